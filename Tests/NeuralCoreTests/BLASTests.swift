import Testing
@testable import NeuralCore

@Test func sgemmMultipliesSmallMatrices() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]       // 2×3
    let b: [Float] = [7, 8, 9, 10, 11, 12]    // 3×2
    var c = [Float](repeating: 0, count: 4)   // 2×2
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                BLAS.sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1,
                           a: pa.baseAddress!, lda: 3, b: pb.baseAddress!, ldb: 2,
                           beta: 0, c: pc.baseAddress!, ldc: 2)
            }
        }
    }
    #expect(c == [58, 64, 139, 154])
}

@Test func openBLASThreadCountIsReadable() {
    // Tests run in parallel, so this only re-applies the current value instead of changing it.
    let current = LinearAlgebra.threadCount
    #expect(current >= 1)
    LinearAlgebra.setThreadCount(current)
    #expect(LinearAlgebra.threadCount == current)
}
