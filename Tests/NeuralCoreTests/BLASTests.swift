import Foundation
import Testing

@testable import NeuralCore

@Test func sgemmMultipliesSmallMatrices() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
    let b: [Float] = [7, 8, 9, 10, 11, 12]  // 3×2
    var c = [Float](repeating: 0, count: 4)  // 2×2
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                BLAS.sgemm(
                    transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1,
                    a: pa.baseAddress!, lda: 3, b: pb.baseAddress!, ldb: 2,
                    beta: 0, c: pc.baseAddress!, ldc: 2)
            }
        }
    }
    #expect(c == [58, 64, 139, 154])
}

/// Products run on one OpenBLAS thread (no test changes it): results never depend on the
/// machine's cores, and the kernels in use are named.
@Test func productsRunOnOneThreadWithNamedKernels() {
    #expect(LinearAlgebra.threadCount == 1)
    let backend = LinearAlgebra.backend
    #expect(backend.library.hasPrefix("OpenBLAS"))
    #expect(!backend.core.isEmpty && backend.problem == nil, "\(backend)")
    // The kernels run at least the tier this CPU's best core type has, unless a core was set.
    let environment = ProcessInfo.processInfo.environment
    if environment["VAE_PIPELINE_BLAS_CORE"] == nil, environment["OPENBLAS_CORETYPE"] == nil,
        let best = BLASCore.best(for: CPUInfo.current.features), let running = BLASCore.tier(ofCore: backend.core)
    {
        #expect(running >= BLASCore.tier(ofCore: best)!, "\(backend) on \(CPUInfo.current)")
    }
}
