/// The processor the process runs on, as the matrix kernels see it: who made it, which vector
/// instruction sets it (and the OS) supports, and its name for reports.
public struct CPUInfo: Sendable, CustomStringConvertible {
    /// Vendor and instruction-set bits that decide which GEMM kernels can run.
    public struct Features: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let intel = Features(rawValue: 1 << 0)
        public static let amd = Features(rawValue: 1 << 1)
        public static let sse42 = Features(rawValue: 1 << 2)
        public static let avx = Features(rawValue: 1 << 3)
        public static let avx2 = Features(rawValue: 1 << 4)
        public static let fma = Features(rawValue: 1 << 5)
        public static let avx512f = Features(rawValue: 1 << 6)
        public static let avx512bw = Features(rawValue: 1 << 7)
        public static let avx512dq = Features(rawValue: 1 << 8)
        public static let avx512vl = Features(rawValue: 1 << 9)
        public static let avx512bf16 = Features(rawValue: 1 << 10)

        /// What OpenBLAS's AVX-512 kernels (SkylakeX and later) need.
        public static let avx512Kernels: Features = [.avx512f, .avx512bw, .avx512dq, .avx512vl]
        /// What the AVX2 kernels (Haswell, Zen) need.
        public static let avx2Kernels: Features = [.avx2, .fma]
    }

    /// The brand string (`AMD EPYC 9R14`, `Intel(R) Xeon(R) Platinum 8581C CPU @ 2.10GHz`), or
    /// "unknown CPU".
    public let brand: String
    /// Display family and model (cpuid leaf 1).
    public let family: Int, model: Int
    public let features: Features

    public init(brand: String, family: Int, model: Int, features: Features) {
        self.brand = brand
        self.family = family
        self.model = model
        self.features = features
    }

    /// This machine's processor.
    public static let current: CPUInfo = Kernels.cpuInfo()

    /// The widest vector instruction set the features allow, in words.
    public var vectorDescription: String {
        if features.isSuperset(of: .avx512Kernels) {
            return features.contains(.avx512bf16) ? "AVX-512 (BF16)" : "AVX-512"
        }
        if features.isSuperset(of: .avx2Kernels) { return "AVX2 + FMA" }
        if features.contains(.avx) { return "AVX" }
        if features.contains(.sse42) { return "SSE4.2" }
        return "SSE2"
    }

    public var description: String { "\(brand) (family \(family), model \(model); \(vectorDescription))" }
}
