import Foundation
import Testing

@testable import NeuralCore

/// The choice of OpenBLAS kernels goes by instruction sets and only ever moves up a tier.
@Suite struct BLASCoreTests {
    static let zen4: CPUInfo.Features = [
        .amd, .sse42, .avx, .avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl, .avx512bf16
    ]
    static let emeraldRapids: CPUInfo.Features = [
        .intel, .sse42, .avx, .avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl,
        .avx512bf16
    ]
    static let skylakeServer: CPUInfo.Features = [
        .intel, .sse42, .avx, .avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl
    ]
    static let zen2: CPUInfo.Features = [.amd, .sse42, .avx, .avx2, .fma]
    static let haswellDesktop: CPUInfo.Features = [.intel, .sse42, .avx, .avx2, .fma]

    /// A CPU newer than the library falls back to Prescott; its instruction sets say better.
    @Test func aGuessBelowTheCPUsTierIsReplaced() {
        #expect(
            BLASCore.decide(features: Self.emeraldRapids, current: "Prescott", request: nil) == .switchTo("Cooperlake"))
        #expect(
            BLASCore.decide(features: Self.skylakeServer, current: "Prescott", request: "auto") == .switchTo("SkylakeX")
        )
        #expect(
            BLASCore.decide(features: Self.haswellDesktop, current: "Sandybridge", request: nil) == .switchTo("Haswell")
        )
        #expect(BLASCore.decide(features: Self.zen2, current: "Nehalem", request: nil) == .switchTo("Zen"))
    }

    /// A core set by OPENBLAS_CORETYPE is kept (machines set it where an old OpenBLAS's guess
    /// crashes or computes wrong results) unless "auto" is asked for explicitly.
    @Test func aCoreSetByOpenBLASCoreTypeIsKeptUnlessAutoIsAsked() {
        #expect(BLASCore.decide(features: Self.zen4, current: "Haswell", request: nil, coreTypeSet: true) == .keep)
        #expect(
            BLASCore.decide(features: Self.emeraldRapids, current: "Prescott", request: nil, coreTypeSet: true) == .keep
        )
        #expect(
            BLASCore.decide(features: Self.zen4, current: "Haswell", request: "auto", coreTypeSet: true)
                == .switchTo("Cooperlake"))
        #expect(
            BLASCore.decide(features: Self.zen4, current: "Haswell", request: "SkylakeX", coreTypeSet: true)
                == .switchTo("SkylakeX"))
    }

    /// A guess in the CPU's tier stays: within a tier the kernels measure alike, and OpenBLAS may
    /// know the model better than a table of instruction sets.
    @Test func aGuessInTheCPUsTierStays() {
        #expect(BLASCore.decide(features: Self.zen4, current: "Cooperlake", request: nil) == .keep)
        #expect(BLASCore.decide(features: Self.zen4, current: "SkylakeX", request: nil) == .keep)
        #expect(BLASCore.decide(features: Self.zen2, current: "Haswell", request: nil) == .keep)
        #expect(BLASCore.decide(features: Self.emeraldRapids, current: "SapphireRapids", request: nil) == .keep)
        // A name newer than the table is trusted.
        #expect(BLASCore.decide(features: Self.emeraldRapids, current: "GraniteRapids", request: nil) == .keep)
        #expect(BLASCore.decide(features: [], current: "Prescott", request: nil) == .keep)
    }

    @Test func requestsAreHonouredOrRefusedWithASentence() {
        #expect(BLASCore.decide(features: Self.emeraldRapids, current: "Prescott", request: "openblas") == .keep)
        #expect(BLASCore.decide(features: Self.zen4, current: "Cooperlake", request: "haswell") == .switchTo("Haswell"))
        #expect(BLASCore.decide(features: Self.zen4, current: "Cooperlake", request: "Cooperlake") == .keep)
        guard
            case let .refuse(unknown) = BLASCore.decide(
                features: Self.zen4, current: "Cooperlake", request: "Skylake-X")
        else {
            Issue.record("an unknown core type was accepted"); return
        }
        #expect(unknown.contains("Skylake-X") && unknown.contains("SkylakeX"))
        guard case let .refuse(tooWide) = BLASCore.decide(features: Self.zen2, current: "Zen", request: "SkylakeX")
        else {
            Issue.record("AVX-512 kernels were accepted on an AVX2 CPU"); return
        }
        #expect(tooWide.contains("AVX-512"))
    }

    /// Whatever was asked, the process runs the kernels it says it runs.
    @Test func theBackendRunsTheRequestedCore() {
        let backend = LinearAlgebra.backend
        if let request = ProcessInfo.processInfo.environment["VAE_PIPELINE_BLAS_CORE"],
            let name = BLASCore.canonicalName(request)
        {
            #expect(backend.core.caseInsensitiveCompare(name) == .orderedSame, "\(backend)")
        }
        #expect(!CPUInfo.current.brand.isEmpty)
    }
}
