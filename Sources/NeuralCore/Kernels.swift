import CKernels
import Foundation

/// The one place where NeuralCore calls its own C kernels (CKernels, `ck_*`): GEMMs against a
/// right-hand side packed once (``PackedMatrix``) and the LSTM step kernels (`LSTMLayer`'s
/// recurrence). Every C call of those goes through here.
///
/// Why C: Swift is compiled for baseline x86-64 (SSE2); the kernels reach AVX2 and AVX-512
/// through per-function target attributes and pick the path at run time.
enum Kernels {
    /// The instruction sets the kernels can run on (`CK_ISA_*`).
    enum InstructionSet: Int32, CaseIterable, Sendable, CustomStringConvertible {
        case portable = 0, avx2 = 1, avx512 = 2

        /// Whether this CPU and OS can run this path.
        var isSupported: Bool { ck_isa_supported(rawValue) != 0 }

        var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "AVX2"
            case .avx512: "AVX-512"
            }
        }
    }

    /// The best supported path, capped by the environment variable `CK_ISA` (`portable`, `avx2`,
    /// `avx512`) to run a whole program on a slower path.
    static let best = InstructionSet(rawValue: ck_isa_best()) ?? .portable

    /// The path the kernels run on in the current task: ``best`` unless a test bound another
    /// (`Kernels.$instructionSet.withValue(.portable) { … }`). Task-local, so tests running in
    /// parallel never see each other's choice. Threads outside Swift tasks see ``best``.
    @TaskLocal static var instructionSet: InstructionSet = best

    /// e^x by the C kernels' portable polynomial (the one their σ and tanh are built on).
    static func exp(_ x: Float) -> Float { ck_exp(x) }

    // MARK: CPU identity

    /// The processor's brand, family, model and GEMM-relevant features (``CPUInfo/current``).
    static func cpuInfo() -> CPUInfo {
        var brand = [CChar](repeating: 0, count: 64)
        var family: Int32 = 0, model: Int32 = 0
        let hasBrand = ck_cpu_identity(&brand, Int32(brand.count), &family, &model) != 0
        let name =
            hasBrand
            ? String(decoding: brand.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingCharacters(in: .whitespaces) : ""
        return CPUInfo(
            brand: name.isEmpty ? "unknown CPU" : name, family: Int(family), model: Int(model),
            features: CPUInfo.Features(rawValue: ck_cpu_features()))
    }

    // MARK: Packed GEMM

    /// The floats `pack` writes for op(B) of k×n (whole 32-column panels).
    static func packedCount(k: Int, n: Int) -> Int { ck_packed_count(Int32(k), Int32(n)) }

    /// Packs op(B) (k×n): B itself stored k×n, or (`transposed`) Bᵀ with B stored n×k.
    static func pack(
        _ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, k: Int, n: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        ck_pack_b(b, Int32(ldb), transposed ? 1 : 0, Int32(k), Int32(n), packed)
    }

    /// C = op(A) · op(B) + beta · C with op(B) from `pack`; C is not read when beta = 0.
    /// - Parameters: op(A) is m×k (A stored m×k, or k×m when `transposeA`), C is m×n.
    static func gemmPacked(
        transposeA: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        packed: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        ck_gemm_packed(
            instructionSet.rawValue, transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(lda),
            packed, beta, c, Int32(ldc))
    }

    // MARK: Softmax loss

    /// −log softmax(row)[target] of `rows` rows of `v` logits starting `ld` floats apart (see
    /// `ck_softmax_nll_rows`), on `isa` (callers on other threads pass the task's path along).
    static func softmaxNLL(
        isa: InstructionSet, rows: Int, v: Int, logits: UnsafePointer<Float>, ld: Int,
        targets: UnsafePointer<Int>, into losses: UnsafeMutablePointer<Double>
    ) {
        targets.withMemoryRebound(to: Int64.self, capacity: rows) { t in
            ck_softmax_nll_rows(isa.rawValue, Int32(rows), Int32(v), logits, Int64(ld), t, losses)
        }
    }

    // MARK: LSTM step

    /// One LSTM step's gates and cell update for `rows` sequences (see `ck_lstm_forward_step`):
    /// gates `[rows, 4H]` pre-activations in, activations out; states `[rows, H]`. Rows with
    /// `lengths[b] ≤ t` carry h and c.
    static func lstmForwardStep(
        rows: Int, hidden: Int, lengths: UnsafePointer<Int32>?, t: Int, gates: UnsafeMutablePointer<Float>,
        hPrev: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, hNext: UnsafeMutablePointer<Float>,
        cNext: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>
    ) {
        ck_lstm_forward_step(
            instructionSet.rawValue, Int32(rows), Int32(hidden), lengths, Int32(t), gates, hPrev, cPrev,
            hNext, cNext, tanhC)
    }

    /// Back-propagation through one step's gates and cell update (see `ck_lstm_backward_step`):
    /// `dh`, `dc` `[rows, H]` in and out, `gradH` (optional) added to `dh`, gate gradients
    /// `[rows, 4H]` out (zero on rows with `lengths[b] ≤ t`).
    static func lstmBackwardStep(
        rows: Int, hidden: Int, lengths: UnsafePointer<Int32>?, t: Int, gates: UnsafePointer<Float>,
        cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, gradH: UnsafePointer<Float>?,
        dh: UnsafeMutablePointer<Float>, dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>
    ) {
        ck_lstm_backward_step(
            instructionSet.rawValue, Int32(rows), Int32(hidden), lengths, Int32(t), gates, cPrev, tanhC,
            gradH, dh, dc, dGates)
    }
}
