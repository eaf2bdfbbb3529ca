import Support
import Testing

@testable import NeuralCore

@Suite struct TensorTests {
    @Test func constructionAndIndexing() {
        let t = Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6])
        #expect(t.count == 6 && t.rank == 2 && t.rowCount == 2 && t.lastDimension == 3)
        #expect(t[1, 2] == 6)
        t[0, 1] = 9
        #expect(t.scalars == [1, 9, 3, 4, 5, 6])
        #expect(Tensor(shape: [2], repeating: 3).scalars == [3, 3])
        #expect(Tensor(zeros: [0, 4]).count == 0)
    }

    @Test func viewsShareStorage() {
        let t = Tensor(shape: [3, 2], [1, 2, 3, 4, 5, 6])
        let r = t.reshaped([2, 3])
        r[1, 1] = 40  // flat index 4 = t[2, 0]
        #expect(t[2, 0] == 40)
        let rows = t.rows(1..<3)
        #expect(rows.shape == [2, 2] && rows.scalars == [3, 4, 40, 6])
        rows.fill(0)
        #expect(t.scalars == [1, 2, 0, 0, 0, 0])
        let c = t.copy()
        c.fill(7)
        #expect(t[0, 0] == 1)
    }

    @Test func elementwiseKernels() {
        let a = Tensor(shape: [2, 2], [1, 2, 3, 4]), b = Tensor(shape: [2, 2], [1, 1, 1, 1])
        a.add(b, scaledBy: 2)
        #expect(a.scalars == [3, 4, 5, 6])
        a.scale(by: 0.5)
        #expect(a.scalars == [1.5, 2, 2.5, 3])
        a.addRowVector(Tensor(shape: [2], [10, 20]))
        #expect(a.scalars == [11.5, 22, 12.5, 23])
        let v = Tensor(zeros: [2])
        a.accumulateColumnSums(into: v)
        #expect(v.scalars == [24, 45])
        #expect(a.sum() == 69)
        #expect(b.sumOfSquares() == 4)
        #expect(a.dot(b) == 69)
        #expect(a.isFinite)
        a[0, 0] = .nan
        #expect(!a.isFinite)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaiveProduct(transposeA: Bool, transposeB: Bool) {
        var rng = RandomGenerator(seed: 5)
        let (m, n, k) = (4, 3, 5)
        let a = Tensor.normal(transposeA ? [k, m] : [m, k], rng: &rng)
        let b = Tensor.normal(transposeB ? [n, k] : [k, n], rng: &rng)
        let c = Tensor.matmul(a, transposeA: transposeA, b, transposeB: transposeB)
        #expect(c.shape == [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += (transposeA ? a[p, i] : a[i, p]) * (transposeB ? b[j, p] : b[p, j]) }
                #expect(abs(c[i, j] - s) < 1e-5)
            }
        }
        // Accumulation with beta = 1.
        let c2 = c.copy()
        Tensor.gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c2, alpha: 2, beta: 1)
        #expect(
            c2.maxAbsDifference(
                {
                    let t = c.copy(); t.scale(by: 3); return t
                }()) < 1e-5)
    }

    @Test func concatenateAndSplitLast() {
        let a = Tensor(shape: [2, 1], [1, 2]), b = Tensor(shape: [2, 2], [3, 4, 5, 6])
        let c = Tensor.concatenateLast([a, b])
        #expect(c.shape == [2, 3] && c.scalars == [1, 3, 4, 2, 5, 6])
        let parts = c.splitLast([1, 2])
        #expect(parts[0].scalars == a.scalars && parts[1].scalars == b.scalars)
    }

    @Test func randomFillsAreSeeded() {
        var r1 = RandomGenerator(seed: 99), r2 = RandomGenerator(seed: 99)
        #expect(Tensor.normal([10], rng: &r1).scalars == Tensor.normal([10], rng: &r2).scalars)
        let u = Tensor.uniform([1000], low: -2, high: 3, rng: &r1)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    @Test func poolStaysWithinItsCapacityWhateverTheShapes() {
        // Many distinct large shapes (as validation after training brings): the pool evicts
        // other size classes instead of growing past its cap.
        for step in 0..<40 {
            let n = BufferPool.minimumCount * 8 + step * BufferPool.minimumCount
            _ = Tensor(zeros: [n])
            #expect(BufferPool.pooledBytes <= BufferPool.capacityBytes)
        }
    }

    @Test func aSlightlySmallerBufferReusesAPooledLargerOne() {
        // The choice itself (the pool is process-wide, so tests running in parallel would race
        // over its contents): the exact size, else the smallest within 1.5×, else nothing.
        #expect(BufferPool.reusableSize(for: 100, among: [100, 120]) == 100)
        #expect(BufferPool.reusableSize(for: 100, among: [160, 140, 120]) == 120)
        #expect(BufferPool.reusableSize(for: 100, among: [151, 90]) == nil)
    }

    @Test func pooledBuffersAreClearedWhenZeroed() {
        let n = BufferPool.minimumCount + 3  // an unusual size, so no other test shares it
        do {
            let t = Tensor(zeros: [n])
            t.fill(7)
        }  // returned to the pool here
        let again = Tensor(zeros: [n])
        #expect(again.sumOfSquares() == 0)
        let raw = Tensor(uninitialized: [n])
        raw.fill(1)
        #expect(raw.sum() == Double(n))
    }
}
