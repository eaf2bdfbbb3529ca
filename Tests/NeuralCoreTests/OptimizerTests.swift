import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct OptimizerTests {
    @Test func adamMatchesHandComputedSteps() {
        let p = Parameter(Tensor(shape: [2], [1, -2]))
        let params = [NamedParameter("w", p)]
        var adam = Adam(learningRate: 0.1)
        var m = [0.0, 0.0], v = [0.0, 0.0], x = [1.0, -2.0]
        let grads: [[Float]] = [[0.5, -1], [0.2, 3], [-0.4, 0.1]]
        for (t, g) in grads.enumerated() {
            p.gradient.assign(Tensor(shape: [2], g))
            adam.update(params)
            for i in 0..<2 {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i]); v[i] = 0.999 * v[i] + 0.001 * Double(g[i] * g[i])
                let mh = m[i] / (1 - pow(0.9, Double(t + 1))), vh = v[i] / (1 - pow(0.999, Double(t + 1)))
                x[i] -= 0.1 * mh / (vh.squareRoot() + 1e-8)
                #expect(abs(Double(p.value.data[i]) - x[i]) < 1e-5)
            }
        }
        #expect(adam.step == 3)
    }

    @Test func sgdWithMomentum() {
        let p = Parameter(Tensor(shape: [1], [1]))
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        p.gradient.fill(1)
        sgd.update([NamedParameter("w", p)])  // b = 1, x = 0.9
        sgd.update([NamedParameter("w", p)])  // b = 1.9, x = 0.71
        #expect(abs(p.value.data[0] - 0.71) < 1e-6)
    }

    @Test func sparseParametersUpdateOnlyTouchedRows() {
        var rng = RandomGenerator(seed: 1)
        let e = Embedding(vocabularySize: 4, dimension: 2, rng: &rng)
        let before = e.weight.value.copy()
        e.backward(ids: [2], gradOutput: Tensor(shape: [1, 2], [1, 1]))
        var adam = Adam(learningRate: 0.1)
        adam.update(e.parameters())
        for r in 0..<4 {
            for j in 0..<2 {
                if r == 2 {
                    #expect(e.weight.value[r, j] != before[r, j])
                } else {
                    #expect(e.weight.value[r, j] == before[r, j])
                }
            }
        }
    }

    @Test func gradientClippingByGlobalNorm() {
        let a = Parameter(Tensor(zeros: [2])), b = Parameter(Tensor(zeros: [1]))
        a.gradient.assign(Tensor(shape: [2], [3, 0]))
        b.gradient.assign(Tensor(shape: [1], [4]))
        let params = [NamedParameter("a", a), NamedParameter("b", b)]
        let norm = clipGradientNorm(params, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(gradientNorm(params) - 1) < 1e-6)
        #expect(abs(a.gradient.data[0] - 0.6) < 1e-6 && abs(b.gradient.data[0] - 0.8) < 1e-6)
        // Below the threshold nothing changes.
        #expect(abs(clipGradientNorm(params, maxNorm: 10) - 1) < 1e-6)
        #expect(abs(a.gradient.data[0] - 0.6) < 1e-6)
    }

    @Test func nonFiniteLossOrGradientNamesTheStep() throws {
        try checkFinite(loss: 1.5, gradientNorm: 2, step: 1)
        #expect(throws: NeuralCoreError.nonFinite(quantity: "loss", step: 7)) { try checkFinite(loss: .nan, step: 7) }
        #expect(throws: NeuralCoreError.nonFinite(quantity: "gradient norm", step: 9)) {
            try checkFinite(loss: 1, gradientNorm: .infinity, step: 9)
        }
        let message = NeuralCoreError.nonFinite(quantity: "loss", step: 7).localizedDescription
        #expect(message == "The loss became NaN or infinite at step 7; training stopped.")
    }

    @Test func stateRoundTripContinuesIdentically() throws {
        func makeParams() -> [NamedParameter] { [NamedParameter("enc.w", Parameter(Tensor(shape: [3], [1, 2, 3])))] }
        let g = Tensor(shape: [3], [0.3, -0.1, 0.7])
        let p1 = makeParams()
        var a1 = Adam(learningRate: 0.01)
        p1[0].parameter.gradient.assign(g)
        a1.update(p1)
        let (tensors, meta) = a1.stateTensors()
        #expect(Set(tensors.keys) == ["adam.m.enc.w", "adam.v.enc.w"] && meta["step"] == "1")
        var a2 = Adam(learningRate: 0.01)
        try a2.loadState(tensors: tensors.mapValues { $0.copy() }, metadata: meta)
        let p2 = [NamedParameter("enc.w", Parameter(p1[0].parameter.value.copy()))]
        p1[0].parameter.gradient.assign(g); p2[0].parameter.gradient.assign(g)
        a1.update(p1); a2.update(p2)
        #expect(p1[0].parameter.value.scalars == p2[0].parameter.value.scalars)
        var sgd = SGD(learningRate: 0.1)
        #expect(throws: NeuralCoreError.self) { try sgd.loadState(tensors: tensors, metadata: meta) }
    }

    /// A parameter whose state was reset (a fresh decoder) or that only some updates touch is
    /// bias-corrected by its own update count: its first update after the reset is exactly a
    /// fresh Adam's first update, however many updates the others had.
    @Test func adamCountsEachParametersOwnUpdates() throws {
        let a = Parameter(Tensor(shape: [2], [1, -2])), b = Parameter(Tensor(shape: [2], [0.5, 0.25]))
        let both = [NamedParameter("a", a), NamedParameter("b", b)]
        var adam = Adam(learningRate: 0.1)
        for _ in 0..<5 {
            a.gradient.assign(Tensor(shape: [2], [0.3, -0.2])); b.gradient.assign(Tensor(shape: [2], [0.1, 0.4]))
            adam.update(both)
        }
        adam.resetState(for: ["b"])
        let g = Tensor(shape: [2], [0.7, -0.05])
        let fresh = Parameter(b.value.copy())
        var reference = Adam(learningRate: 0.1)
        fresh.gradient.assign(g)
        reference.update([NamedParameter("b", fresh)])
        b.gradient.assign(g)
        adam.update([NamedParameter("b", b)])  // b alone: its first update since the reset
        #expect(b.value.scalars == fresh.value.scalars)
        #expect(adam.step == 6 && adam.parameterSteps["a"] == 5 && adam.parameterSteps["b"] == 1)

        // The counts travel with the state; a parameter updated every time writes none.
        let (tensors, metadata) = adam.stateTensors()
        #expect(metadata["step"] == "6" && metadata["step.b"] == "1" && metadata["step.a"] == "5")
        var restored = Adam(learningRate: 0.1)
        try restored.loadState(tensors: tensors.mapValues { $0.copy() }, metadata: metadata)
        #expect(restored.parameterSteps == adam.parameterSteps)
        var older = metadata
        older["step.a"] = nil; older["step.b"] = nil  // state written before per-parameter counts
        try restored.loadState(tensors: tensors.mapValues { $0.copy() }, metadata: older)
        #expect(restored.parameterSteps == ["a": 6, "b": 6])
        older["step.b"] = "7"
        #expect(throws: NeuralCoreError.self) { try restored.loadState(tensors: tensors, metadata: older) }
    }

    /// Updating every parameter every time writes the same state as before per-parameter counts.
    @Test func adamUpdatingEverythingWritesOnlyTheGlobalStep() {
        let p = Parameter(Tensor(shape: [2], [1, 2]))
        var adam = Adam(learningRate: 0.1)
        for _ in 0..<3 { p.gradient.assign(Tensor(shape: [2], [0.5, -0.5])); adam.update([NamedParameter("w", p)]) }
        #expect(adam.stateTensors().metadata == ["optimizer": "adam", "step": "3"])
    }
}
