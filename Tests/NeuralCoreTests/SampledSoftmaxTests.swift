import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct SampledSoftmaxTests {
    @Test(arguments: [SampledSoftmax.Proposal.uniform, .logUniform])
    func gradients(proposal: SampledSoftmax.Proposal) {
        var rng = RandomGenerator(seed: 1)
        let (N, H, V, K) = (6, 4, 20, 5)
        let out = Linear(H, V, rng: &rng)
        let hidden = Tensor.normal([N, H], rng: &rng)
        let targets = [3, 0, 19, 7, 3, 11]
        let mask: [Float] = [1, 1, 0, 1, 1, 1]
        func run() -> (CrossEntropyResult, Tensor) {
            var sampler = RandomGenerator(seed: 42)  // same negatives on every evaluation
            return SampledSoftmax.loss(
                hidden: hidden, output: out, targets: targets, mask: mask, time: 3,
                sampleCount: K, proposal: proposal, rng: &sampler, gradientScale: 0.5)
        }
        out.zeroGradients()
        let (result, dHidden) = run()
        #expect(result.perSequence.count == 2 && result.tokenCount == 5 && result.total > 0)
        let saved = out.namedParameters.map { $0.parameter.gradient.copy() }
        let loss = { () -> Double in
            out.zeroGradients()
            return 0.5 * run().0.total
        }
        expectGradient("hidden", of: hidden, analytic: dHidden, loss: loss)
        for (p, g) in zip(out.namedParameters, saved) {
            expectGradient(p.name, of: p.parameter.value, analytic: g, loss: loss)
        }
    }

    @Test func manySamplesApproachTheFullSoftmax() {
        // With a uniform proposal and K ≫ V the sampled loss estimates the full cross-entropy.
        var rng = RandomGenerator(seed: 3)
        let (N, H, V) = (8, 6, 30)
        let out = Linear(H, V, rng: &rng)
        let hidden = Tensor.normal([N, H], std: 2, rng: &rng)
        let targets = (0..<N).map { _ in rng.nextInt(below: V) }
        let full = softmaxCrossEntropy(logits: out.forward(hidden), targets: targets).total
        var sampler = RandomGenerator(seed: 4)
        let sampled = SampledSoftmax.loss(
            hidden: hidden, output: out, targets: targets, sampleCount: 20_000,
            proposal: .uniform, rng: &sampler
        ).result.total
        #expect(abs(sampled - full) / full < 0.02, "sampled \(sampled) vs full \(full)")
    }

    @Test func logUniformDrawsFollowZipf() {
        var rng = RandomGenerator(seed: 5)
        let V = 100
        var counts = [Int](repeating: 0, count: V)
        for _ in 0..<50_000 { counts[SampledSoftmax.draw(V, .logUniform, &rng)] += 1 }
        for k in [0, 1, 10] {
            let expected = SampledSoftmax.probability(k, V, .logUniform)
            #expect(abs(Double(counts[k]) / 50_000 - expected) < 0.01)
        }
        #expect(abs((0..<V).map { SampledSoftmax.probability($0, V, .logUniform) }.reduce(0, +) - 1) < 1e-9)
    }
}
