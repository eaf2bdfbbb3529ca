import Foundation

/// Which of OpenBLAS's kernel families ("core types") a CPU should run, and whether OpenBLAS's
/// own guess is good enough.
///
/// OpenBLAS picks its kernels once, when the library loads, from the CPU's family and model
/// numbers. A build older than the CPU does not know its model and falls back to its slowest
/// kernels (an AVX-512 Xeon newer than the library runs the SSE3 "Prescott" kernels at a quarter
/// of the speed). The choice here goes by instruction sets instead, which new CPUs keep, and
/// only ever moves OpenBLAS *up* to a wider tier: a choice in the same tier is left alone.
public enum BLASCore {
    /// Instruction-set tiers of OpenBLAS's x86-64 core types, narrowest first.
    public enum Tier: Int, Comparable, Sendable, CustomStringConvertible {
        case sse2 = 1, sse3 = 2, avx = 3, avx2 = 4, avx512 = 5

        public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }

        public var description: String {
            switch self {
            case .sse2: "SSE2"
            case .sse3: "SSE3/SSE4"
            case .avx: "AVX"
            case .avx2: "AVX2"
            case .avx512: "AVX-512"
            }
        }
    }

    /// OpenBLAS's x86-64 core type names (as `OPENBLAS_CORETYPE` takes them) and their tiers.
    public static let knownCores: [(name: String, tier: Tier)] = [
        ("Katmai", .sse2), ("Coppermine", .sse2), ("Northwood", .sse2), ("Prescott", .sse2), ("Banias", .sse2),
        ("Athlon", .sse2), ("Opteron", .sse2),
        ("Core2", .sse3), ("Penryn", .sse3), ("Dunnington", .sse3), ("Nehalem", .sse3), ("Atom", .sse3),
        ("Nano", .sse3), ("Opteron_SSE3", .sse3), ("Barcelona", .sse3), ("Bobcat", .sse3),
        ("Sandybridge", .avx), ("Bulldozer", .avx), ("Piledriver", .avx), ("Steamroller", .avx), ("Excavator", .avx),
        ("Haswell", .avx2), ("Zen", .avx2),
        ("SkylakeX", .avx512), ("Cooperlake", .avx512), ("SapphireRapids", .avx512)
    ]

    /// The tier of a core type name (any case), or nil for a name OpenBLAS does not have on x86-64.
    public static func tier(ofCore name: String) -> Tier? {
        knownCores.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.tier
    }

    /// The spelling of a known core type name, or nil.
    public static func canonicalName(_ name: String) -> String? {
        knownCores.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.name
    }

    /// The best core type for a CPU with these features: the widest tier its instruction sets
    /// run, and within it the vendor's own kernels (AMD's Zen kernels for AVX2; Cooperlake, the
    /// SkylakeX kernels plus BF16 ones, where BF16 exists). Nil where nothing beats the default.
    public static func best(for features: CPUInfo.Features) -> String? {
        if features.isSuperset(of: .avx512Kernels) { return features.contains(.avx512bf16) ? "Cooperlake" : "SkylakeX" }
        if features.isSuperset(of: .avx2Kernels) { return features.contains(.amd) ? "Zen" : "Haswell" }
        if features.contains(.avx) { return "Sandybridge" }
        if features.contains(.sse42) { return "Nehalem" }
        return nil
    }

    /// What to do about OpenBLAS's choice.
    public enum Decision: Equatable, Sendable {
        /// Keep the core OpenBLAS chose.
        case keep
        /// Switch to this core type.
        case switchTo(String)
        /// The request cannot be honoured; the sentence says why.
        case refuse(String)
    }

    /// The decision for a CPU, OpenBLAS's current core and the user's request
    /// (`VAE_PIPELINE_BLAS_CORE`: unset chooses unless `OPENBLAS_CORETYPE` is set, "auto" chooses
    /// anyway, "openblas" keeps OpenBLAS's choice, a core type name forces it).
    /// - Parameter coreTypeSet: whether `OPENBLAS_CORETYPE` chose `current`. Such a choice is kept
    ///   unless "auto" is asked for: machines set it where an old OpenBLAS's guess computes wrong
    ///   results or crashes, and correctness comes before speed.
    public static func decide(
        features: CPUInfo.Features, current: String, request: String?,
        coreTypeSet: Bool = false
    ) -> Decision {
        let request = request?.trimmingCharacters(in: .whitespaces) ?? ""
        switch request.lowercased() {
        case "" where coreTypeSet:
            return .keep
        case "", "auto":
            guard let best = best(for: features), let bestTier = tier(ofCore: best) else { return .keep }
            // An unknown current name is a core newer than this table: trust it.
            guard let currentTier = tier(ofCore: current), currentTier < bestTier else { return .keep }
            return .switchTo(best)
        case "openblas":
            return .keep
        default:
            guard let name = canonicalName(request) else {
                return .refuse(
                    "VAE_PIPELINE_BLAS_CORE=\(request) is not an OpenBLAS core type; use auto, openblas or one of "
                        + knownCores.map(\.name).joined(separator: ", ") + ".")
            }
            let widest = best(for: features).flatMap(tier(ofCore:)) ?? .sse2
            if let wanted = tier(ofCore: name), wanted > widest {
                return .refuse(
                    "VAE_PIPELINE_BLAS_CORE=\(name) needs \(wanted) instructions, which this CPU does not have.")
            }
            return name.caseInsensitiveCompare(current) == .orderedSame ? .keep : .switchTo(name)
        }
    }
}
