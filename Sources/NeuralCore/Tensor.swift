import Foundation
import Support
import Synchronization

/// Owned, manually allocated Float32 storage shared by a tensor and its reshaped views.
/// Large buffers come from and return to `BufferPool`.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int
    /// The allocated element count (`count` rounded up to the pool's size class).
    let capacity: Int

    init(count: Int, zeroed: Bool = true) {
        self.count = count
        // At least one element so that `pointer` is always valid; large buffers are rounded up to
        // a size class so that batches of varying shape (packed logits) reuse each other's buffers.
        let n = BufferPool.sizeClass(max(count, 1))
        if let (reused, size) = BufferPool.take(count: n) {
            pointer = reused
            capacity = size
        } else {
            capacity = n
            // 64-byte alignment suits AVX-512 loads and OpenBLAS.
            let raw = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
            pointer = raw.bindMemory(to: Float.self, capacity: n)
        }
        if zeroed { pointer.update(repeating: 0, count: max(count, 1)) }
    }

    deinit {
        if !BufferPool.give(pointer, count: capacity) { UnsafeMutableRawPointer(pointer).deallocate() }
    }
}

/// A dense, contiguous, row-major Float32 array with a shape.
///
/// `Tensor` is a reference type: its shape is fixed, its contents are mutable through `data`.
/// `reshaped(_:)` and `rows(_:)` return views sharing the storage (no copy). Kernels work on
/// `data` (an `UnsafeMutablePointer<Float>`) in tight loops, without ARC traffic or bounds checks.
///
/// `@unchecked Sendable` means a tensor may be *handed* to another task; it is not synchronised,
/// so it must not be mutated from two tasks at once (the same holds for parameters and layers).
public final class Tensor: CustomStringConvertible, @unchecked Sendable {
    @usableFromInline let storage: TensorStorage
    @usableFromInline let offset: Int
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// The number of elements (product of `shape`).
    public let count: Int

    /// The first element. Valid for `count` elements.
    @inlinable public var data: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// A zero-filled tensor.
    public convenience init(zeros shape: [Int]) { self.init(shape: shape, zeroed: true) }

    /// A tensor whose contents are unspecified (for outputs that are fully overwritten; saves a
    /// memory pass on large buffers such as logits).
    public convenience init(uninitialized shape: [Int]) { self.init(shape: shape, zeroed: false) }

    private init(shape: [Int], zeroed: Bool) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension.")
        let n = shape.reduce(1, *)
        storage = TensorStorage(count: n, zeroed: zeroed)
        offset = 0
        self.shape = shape
        count = n
    }

    /// A tensor with every element equal to `value`.
    public convenience init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { fill(value) }
    }

    /// A tensor holding `values` (row-major); `values.count` must equal the product of `shape`.
    public convenience init(shape: [Int], _ values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count, "Tensor shape \(shape) needs \(count) values, got \(values.count).")
        if count > 0 { values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) } }
    }

    init(storage: TensorStorage, offset: Int, shape: [Int]) {
        self.storage = storage
        self.offset = offset
        self.shape = shape
        count = shape.reduce(1, *)
        precondition(offset + count <= storage.count || count == 0)
    }

    /// A tensor of independent uniform values in [low, high).
    public static func uniform(_ shape: [Int], low: Float, high: Float, rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(zeros: shape)
        let p = t.data
        for i in 0..<t.count { p[i] = rng.nextUniform(low, high) }
        return t
    }

    /// A tensor of independent normal values with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(zeros: shape)
        let p = t.data
        for i in 0..<t.count { p[i] = mean + std * rng.nextNormal() }
        return t
    }

    /// The elements as an array (row-major copy).
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The size of the last dimension (1 for a scalar).
    public var lastDimension: Int { shape.last ?? 1 }

    /// The number of rows when the tensor is seen as a matrix [count / lastDimension, lastDimension].
    public var rowCount: Int { lastDimension == 0 ? 0 : count / lastDimension }

    /// Element access by flat index (bounds-checked; for tests and setup, not for kernels).
    public subscript(flat i: Int) -> Float {
        get { precondition(i >= 0 && i < count); return data[i] }
        set { precondition(i >= 0 && i < count); data[i] = newValue }
    }

    /// Element access by multi-index (bounds-checked; for tests and setup).
    public subscript(_ index: Int...) -> Float {
        get { data[flatIndex(index)] }
        set { data[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Index \(index) does not match shape \(shape).")
        var f = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "Index \(index) out of shape \(shape)."); f = f * d + i
        }
        return f
    }

    /// A view with another shape of the same element count, sharing storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "Cannot reshape \(shape) to \(newShape).")
        return Tensor(storage: storage, offset: offset, shape: newShape)
    }

    /// A view of rows `range` along the first dimension, sharing storage.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0])
        let inner = shape.dropFirst().reduce(1, *)
        return Tensor(
            storage: storage, offset: offset + range.lowerBound * inner, shape: [range.count] + shape.dropFirst())
    }

    /// An independent copy.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    public var description: String { "Tensor(\(shape))" }

    // MARK: In-place kernels

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        let p = data
        if value == 0 { p.update(repeating: 0, count: count); return }
        for i in 0..<count { p[i] = value }
    }

    /// Sets every element to zero.
    public func zero() { data.update(repeating: 0, count: count) }

    /// Copies the elements of `other` (same count) into this tensor.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) vs \(shape)")
        data.update(from: other.data, count: count)
    }

    /// self += alpha · other (same count).
    public func add(_ other: Tensor, scaledBy alpha: Float = 1) {
        precondition(other.count == count, "add: \(other.shape) vs \(shape)")
        let p = data, q = other.data
        if alpha == 1 { for i in 0..<count { p[i] += q[i] } } else { for i in 0..<count { p[i] += alpha * q[i] } }
    }

    /// self *= alpha.
    public func scale(by alpha: Float) {
        let p = data
        for i in 0..<count { p[i] *= alpha }
    }

    /// Adds `vector` (count = lastDimension) to every row.
    public func addRowVector(_ vector: Tensor) {
        let n = lastDimension
        precondition(vector.count == n, "addRowVector: \(vector.shape) vs rows of \(shape)")
        let p = data, v = vector.data
        for r in 0..<rowCount { let row = p + r * n; for j in 0..<n { row[j] += v[j] } }
    }

    /// vector += column sums of this tensor seen as [rows, lastDimension].
    public func accumulateColumnSums(into vector: Tensor) {
        let n = lastDimension
        precondition(vector.count == n, "accumulateColumnSums: \(vector.shape) vs rows of \(shape)")
        let p = data, v = vector.data, rows = rowCount
        if rows >= 64 && n >= 64 {
            // A GEMV-shaped GEMM (1ᵀ · self) runs at BLAS speed on all threads; the scalar loop
            // below does not vectorise (v and the rows may alias as far as the compiler knows).
            let ones = Tensor(shape: [1, rows], repeating: 1)
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: 1, n: n, k: rows, alpha: 1,
                a: ones.data, lda: rows, b: p, ldb: n, beta: 1, c: v, ldc: n)
            return
        }
        for r in 0..<rows { let row = p + r * n; for j in 0..<n { v[j] += row[j] } }
    }

    // MARK: Reductions (accumulated in Double)

    /// The sum of all elements.
    public func sum() -> Double {
        let p = data
        var s = 0.0
        for i in 0..<count { s += Double(p[i]) }
        return s
    }

    /// The sum of squares of all elements.
    public func sumOfSquares() -> Double {
        let p = data
        var s = 0.0
        for i in 0..<count { let x = Double(p[i]); s += x * x }
        return s
    }

    /// Σ self·other.
    public func dot(_ other: Tensor) -> Double {
        precondition(other.count == count)
        let p = data, q = other.data
        var s = 0.0
        for i in 0..<count { s += Double(p[i]) * Double(q[i]) }
        return s
    }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool {
        let p = data
        for i in 0..<count where !p[i].isFinite { return false }
        return true
    }

    /// The largest absolute element difference to `other`.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(other.count == count)
        let p = data, q = other.data
        var m: Float = 0
        for i in 0..<count { m = max(m, abs(p[i] - q[i])) }
        return m
    }
}

// MARK: Matrix products

extension Tensor {
    /// c = alpha · op(a) · op(b) + beta · c, where a, b, c are seen as matrices
    /// [rowCount, lastDimension] (leading dimensions flattened).
    public static func gemm(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
        into c: Tensor, alpha: Float = 1, beta: Float = 0
    ) {
        let (ar, ac) = (a.rowCount, a.lastDimension)
        let (br, bc) = (b.rowCount, b.lastDimension)
        let m = transposeA ? ac : ar, k = transposeA ? ar : ac
        let k2 = transposeB ? bc : br, n = transposeB ? br : bc
        precondition(
            k == k2,
            "gemm: inner dimensions differ "
                + "(\(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")).")
        precondition(c.rowCount == m && c.lastDimension == n, "gemm: output \(c.shape) is not [\(m), \(n)].")
        if k == 0 { if beta == 0 { c.zero() } else if beta != 1 { c.scale(by: beta) }; return }
        BLAS.sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.data, lda: ac, b: b.data, ldb: bc, beta: beta, c: c.data, ldc: n)
    }

    /// op(a) · op(b) as a new [m, n] tensor.
    public static func matmul(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false) -> Tensor {
        let m = transposeA ? a.lastDimension : a.rowCount
        let n = transposeB ? b.rowCount : b.lastDimension
        let c = Tensor(zeros: [m, n])
        gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c)
        return c
    }

    /// Concatenates tensors with equal leading dimensions along the last dimension.
    public static func concatenateLast(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty)
        let rows = parts[0].rowCount
        precondition(parts.allSatisfy { $0.rowCount == rows }, "concatenateLast: row counts differ.")
        let widths = parts.map(\.lastDimension)
        let total = widths.reduce(0, +)
        let out = Tensor(zeros: Array(parts[0].shape.dropLast()) + [total])
        let o = out.data
        var col = 0
        for (part, w) in zip(parts, widths) {
            let p = part.data
            for r in 0..<rows { (o + r * total + col).update(from: p + r * w, count: w) }
            col += w
        }
        return out
    }

    /// Splits along the last dimension into parts of the given widths (copies).
    public func splitLast(_ widths: [Int]) -> [Tensor] {
        let total = lastDimension
        precondition(widths.reduce(0, +) == total, "splitLast: widths \(widths) do not add up to \(total).")
        let rows = rowCount
        var col = 0
        var out: [Tensor] = []
        for w in widths {
            let t = Tensor(zeros: Array(shape.dropLast()) + [w])
            let q = t.data, p = data
            for r in 0..<rows { (q + r * w).update(from: p + r * total + col, count: w) }
            out.append(t)
            col += w
        }
        return out
    }
}
