import COpenBLAS
import Foundation

/// The one place where NeuralCore calls into OpenBLAS. Every C call of the module goes through here.
enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C on row-major Float32 storage.
    /// - Parameters: m, n, k: op(A) is m×k, op(B) is k×n, C is m×n.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        _ = configured
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// The number of threads OpenBLAS uses for one call.
    static var threadCount: Int {
        _ = configured
        return Int(openblas_get_num_threads())
    }

    /// Sets the number of OpenBLAS threads (process-wide; OpenBLAS's own setting).
    static func setThreadCount(_ n: Int) {
        _ = configured
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// Chooses the kernels and the thread count once, before the first product (see
    /// ``LinearAlgebra/backend``).
    static let configured: LinearAlgebra.Backend = configure()

    private static func configure() -> LinearAlgebra.Backend {
        let cpu = CPUInfo.current
        let chosenByOpenBLAS = corename()
        let environment = ProcessInfo.processInfo.environment
        let request = environment["VAE_PIPELINE_BLAS_CORE"]
        let coreTypeSet = environment["OPENBLAS_CORETYPE"] != nil
        let guess = coreTypeSet ? "set by OPENBLAS_CORETYPE" : "OpenBLAS's own choice"
        var backend = LinearAlgebra.Backend(library: configuration(), core: chosenByOpenBLAS, how: guess, problem: nil)
        switch BLASCore.decide(
            features: cpu.features, current: chosenByOpenBLAS, request: request, coreTypeSet: coreTypeSet)
        {
        case .keep:
            if let request, !request.isEmpty, request.lowercased() != "auto" {
                backend.how = "VAE_PIPELINE_BLAS_CORE=\(request)"
            } else if coreTypeSet, let best = BLASCore.best(for: cpu.features),
                let bestTier = BLASCore.tier(ofCore: best), let tier = BLASCore.tier(ofCore: chosenByOpenBLAS),
                tier < bestTier
            {
                backend.how += "; this CPU runs \(best) kernels: VAE_PIPELINE_BLAS_CORE=auto uses them"
            }
        case let .refuse(sentence):
            backend.problem = sentence
        case let .switchTo(name):
            if switchCore(to: name) {
                backend.core = corename()
                let forced = request.map { !$0.isEmpty && $0.lowercased() != "auto" } ?? false
                backend.how =
                    forced
                    ? "VAE_PIPELINE_BLAS_CORE=\(request!); OpenBLAS had \(chosenByOpenBLAS)"
                    : "chosen for this CPU in place of \(chosenByOpenBLAS), \(guess)"
            } else if let request, !request.isEmpty, request.lowercased() != "auto" {
                backend.problem =
                    "VAE_PIPELINE_BLAS_CORE=\(request) cannot be applied: \(backend.library) has no \(name) "
                    + "kernels or cannot change its kernels at run time (not a DYNAMIC_ARCH build)."
            } else {
                backend.how += "; \(name) would be faster, but this build cannot switch"
            }
        }
        // One thread per product: OpenBLAS's results depend on how a product is split between
        // threads, so a fixed count makes every result independent of the machine's cores. The
        // trainer's parallelism comes from batch slices, one per core.
        openblas_set_num_threads(1)
        return backend
    }

    private static func corename() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    private static func configuration() -> String {
        guard let text = openblas_get_config() else { return "OpenBLAS" }
        // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"
        return String(cString: text).split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// Re-runs OpenBLAS's kernel selection with `OPENBLAS_CORETYPE` set to `name`. The library
    /// reads that variable only while it initialises (before `main`), so this calls its
    /// dynamic-arch entry points again; they exist in DYNAMIC_ARCH builds (Debian's) only,
    /// hence the look-up by name. No product may be running, which `configured`'s one-time
    /// initialisation before the first product ensures.
    private static func switchCore(to name: String) -> Bool {
        typealias Entry = @convention(c) () -> Void
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
        guard let quit = dlsym(everywhere, "gotoblas_dynamic_quit"),
            let initialise = dlsym(everywhere, "gotoblas_dynamic_init")
        else { return false }
        let saved = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        setenv("OPENBLAS_CORETYPE", name, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        if let saved { setenv("OPENBLAS_CORETYPE", saved, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        return corename().caseInsensitiveCompare(name) == .orderedSame
    }
}

/// Process-wide settings of the linear-algebra backend.
public enum LinearAlgebra {
    /// The BLAS in use and how its kernels were chosen.
    public struct Backend: Sendable, CustomStringConvertible {
        /// "OpenBLAS 0.3.21".
        public var library: String
        /// The core type whose kernels run (`Cooperlake`, `Haswell`, …).
        public var core: String
        /// Who chose the core, in words.
        public var how: String
        /// A sentence saying why the choice could not be made as asked (`VAE_PIPELINE_BLAS_CORE`).
        public var problem: String?

        public var description: String { "\(library), \(core) kernels (\(how))" }
    }

    /// The BLAS library and kernels every product runs on. Chosen once, before the first
    /// product: OpenBLAS's guess is kept unless it runs a narrower instruction set than the CPU
    /// has (then the best core type for the CPU replaces it); a core set by `OPENBLAS_CORETYPE`
    /// is kept. `VAE_PIPELINE_BLAS_CORE=auto|openblas|NAME` overrides (`auto` replaces a narrow
    /// core even when `OPENBLAS_CORETYPE` set it; `openblas` keeps OpenBLAS's choice; NAME forces
    /// a core type).
    public static var backend: Backend { BLAS.configured }

    /// NeuralCore's own kernels (recurrent steps, packed GEMMs): the instruction set they run on
    /// and what chose it.
    public static var ownKernels: String {
        let isa = Kernels.best
        let capped =
            ProcessInfo.processInfo.environment["CK_ISA"].map { "capped by CK_ISA=\($0)" } ?? "the best this CPU runs"
        return "\(isa) (\(capped))"
    }

    /// One line per part of the machine the numbers depend on: the CPU, NeuralCore's kernels and
    /// the BLAS.
    public static var machineDescription: String {
        "CPU: \(CPUInfo.current)\nKernels: \(ownKernels)\nBLAS: \(backend), \(threadCount) thread per product"
    }

    /// The number of threads OpenBLAS uses for one GEMM: 1 unless a program sets it.
    public static var threadCount: Int { BLAS.threadCount }
    /// Sets the OpenBLAS thread count (at least 1). Products then split between threads, and
    /// their last bits depend on the split: for benchmarks of the BLAS itself, not for training.
    public static func setThreadCount(_ n: Int) { BLAS.setThreadCount(n) }
}
