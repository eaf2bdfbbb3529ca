import Support
import Testing

@testable import NeuralCore

@Suite struct ParameterTests {
    @Test func prefixedNamesCompose() {
        var rng = RandomGenerator(seed: 1)
        let lin = Linear(2, 3, rng: &rng)
        #expect(lin.parameters(prefix: "decoder.out").map(\.name) == ["decoder.out.weight", "decoder.out.bias"])
        #expect(lin.parameters().map(\.name) == ["weight", "bias"])
    }

    @Test func denseAndSparseZeroing() {
        let dense = Parameter(Tensor(zeros: [2, 2]))
        dense.gradient.fill(3)
        dense.zeroGradient()
        #expect(dense.gradient.sumOfSquares() == 0)

        let sparse = Parameter(Tensor(zeros: [4, 2]), sparse: true)
        #expect(sparse.rowWidth == 2)
        sparse.markTouched(3); sparse.markTouched(1); sparse.markTouched(3)
        #expect(sparse.touchedRows == [3, 1])
        sparse.gradient[3, 0] = 5; sparse.gradient[1, 1] = 2
        sparse.zeroGradient()
        #expect(sparse.gradient.sumOfSquares() == 0 && sparse.touchedRows.isEmpty)
        // Norms and clipping see only touched rows of sparse parameters.
        sparse.markTouched(0)
        sparse.gradient[0, 0] = 3; sparse.gradient[0, 1] = 4
        #expect(gradientNorm([NamedParameter("e", sparse)]) == 5)
    }

    @Test func frozenParametersAreSkippedByNormAndOptimizers() {
        let p = Parameter(Tensor(shape: [1], [1]), trainable: false)
        p.gradient.fill(10)
        #expect(gradientNorm([NamedParameter("p", p)]) == 0)
        var sgd = SGD(learningRate: 1)
        sgd.update([NamedParameter("p", p)])
        #expect(p.value.scalars == [1])
    }
}
