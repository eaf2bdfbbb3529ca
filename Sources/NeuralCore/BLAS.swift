import COpenBLAS

/// The one place where NeuralCore calls into OpenBLAS.
enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C on row-major Float32 storage.
    /// - Parameters: m, n, k: op(A) is m×k, op(B) is k×n, C is m×n.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
