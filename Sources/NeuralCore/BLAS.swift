import COpenBLAS

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
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// The number of threads OpenBLAS uses for one call.
    static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (process-wide; OpenBLAS's own setting).
    static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}

/// Process-wide settings of the linear-algebra backend.
public enum LinearAlgebra {
    /// The number of threads OpenBLAS uses for one GEMM (defaults to the number of cores or
    /// `OPENBLAS_NUM_THREADS`).
    public static var threadCount: Int { BLAS.threadCount }
    /// Sets the OpenBLAS thread count (at least 1).
    public static func setThreadCount(_ n: Int) { BLAS.setThreadCount(n) }
}
