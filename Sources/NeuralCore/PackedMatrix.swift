/// The right-hand side of many matrix products, packed once: op(B) `[K, N]` laid out in
/// 32-column panels for the `Kernels` GEMM.
///
/// Why: a recurrent layer multiplies the same weight by a small `[B, H]` state at every step
/// (`[32, 256] · [256, 1024]` for the character VAE). `cblas_sgemm` packs its operands on every
/// call, and for these shapes the packing of the weight cost about a third of the product itself;
/// packing once per forward or backward pass (weights do not change within one) removes it, and
/// the register-tiled kernel needs no other copy. Every element of a product is summed in order
/// of k, so results do not depend on the batch size or the tiling (deterministic).
///
/// A packed matrix is a snapshot: it does not see later changes to the tensor it was made from.
public final class PackedMatrix: @unchecked Sendable {
    /// K: the rows of op(B), the inner dimension of a product.
    public let rows: Int
    /// N: the columns of op(B) and of a product.
    public let columns: Int
    private let panels: Tensor

    /// Packs op(b): b itself as `[K, N]`, or, when `transposed`, bᵀ with b `[N, K]` — a weight
    /// `[out, in]` for products `x · Wᵀ`. Leading dimensions of b are flattened into rows.
    public init(_ b: Tensor, transposed: Bool) {
        let r = b.rowCount, c = b.lastDimension
        rows = transposed ? c : r
        columns = transposed ? r : c
        panels = Tensor(uninitialized: [max(Kernels.packedCount(k: rows, n: columns), 1)])
        if rows > 0 && columns > 0 {
            Kernels.pack(b.data, ldb: c, transposed: transposed, k: rows, n: columns, into: panels.data)
        }
    }

    /// c = op(a) · op(B) + beta · c, where op(a) is a `[M, K]` or (`transposeA`) aᵀ with a
    /// `[K, M]`, and c is `[M, N]` (leading dimensions flattened). c is not read when beta = 0.
    public func multiply(_ a: Tensor, transposeA: Bool = false, into c: Tensor, beta: Float = 0) {
        let m = transposeA ? a.lastDimension : a.rowCount, k = transposeA ? a.rowCount : a.lastDimension
        precondition(
            k == rows,
            "PackedMatrix: inner dimensions differ (\(a.shape)\(transposeA ? "ᵀ" : "") · [\(rows), \(columns)]).")
        precondition(
            c.rowCount == m && c.lastDimension == columns, "PackedMatrix: output \(c.shape) is not [\(m), \(columns)].")
        multiply(m: m, a: a.data, lda: a.lastDimension, transposeA: transposeA, into: c.data, ldc: columns, beta: beta)
    }

    /// The pointer form of ``multiply(_:transposeA:into:beta:)``: op(a) has `m` rows and `rows`
    /// columns, `lda` and `ldc` are row strides in elements.
    public func multiply(
        m: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0
    ) {
        guard m > 0 && columns > 0 else { return }
        Kernels.gemmPacked(
            transposeA: transposeA, m: m, n: columns, k: rows, a: a, lda: lda, packed: panels.data,
            beta: beta, c: c, ldc: ldc)
    }
}
