import Support
import Testing

@testable import NeuralCore

@Suite struct EmbeddingTests {
    @Test func lookupFromInitialMatrix() {
        let e = Embedding(weights: Tensor(shape: [3, 2], [0, 1, 10, 11, 20, 21]))
        let y = e.forward([2, 0, 2, 1], shape: [2, 2])
        #expect(y.shape == [2, 2, 2])
        #expect(y.scalars == [20, 21, 0, 1, 20, 21, 10, 11])
    }

    @Test func sparseGradientRows() {
        var rng = RandomGenerator(seed: 1)
        let e = Embedding(vocabularySize: 6, dimension: 3, rng: &rng)
        let ids = [4, 1, 4]
        let R = projection([3, 3], seed: 2)
        e.backward(ids: ids, gradOutput: R)
        #expect(e.weight.touchedRows.sorted() == [1, 4])
        expectGradient("weight", of: e.weight.value, analytic: e.weight.gradient) { e.forward(ids).dot(R) }
        // Untouched rows hold no gradient; zeroing clears the touched ones.
        for r in [0, 2, 3, 5] { for j in 0..<3 { #expect(e.weight.gradient[r, j] == 0) } }
        e.zeroGradients()
        #expect(e.weight.gradient.sumOfSquares() == 0 && e.weight.touchedRows.isEmpty)
    }

    @Test func frozenEmbeddingGetsNoGradient() {
        let e = Embedding(weights: Tensor(shape: [2, 2], [1, 2, 3, 4]), trainable: false)
        e.backward(ids: [0, 1], gradOutput: Tensor(shape: [2, 2], repeating: 1))
        #expect(e.weight.gradient.sumOfSquares() == 0 && e.weight.touchedRows.isEmpty)
        var adam = Adam(learningRate: 0.1)
        adam.update(e.parameters(prefix: "emb"))
        #expect(e.weight.value.scalars == [1, 2, 3, 4])
    }

    @Test func paddingRowStaysZeroAndFixed() {
        var rng = RandomGenerator(seed: 3)
        let e = Embedding(vocabularySize: 5, dimension: 2, paddingIndex: 0, rng: &rng)
        #expect(e.weight.value[0, 0] == 0 && e.weight.value[0, 1] == 0)
        e.backward(ids: [0, 2, 0], gradOutput: Tensor(shape: [3, 2], repeating: 1))
        #expect(e.weight.touchedRows == [2])
        #expect(e.weight.gradient[0, 0] == 0 && e.weight.gradient[2, 0] == 1)
    }
}
