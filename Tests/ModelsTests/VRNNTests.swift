import Foundation
import NeuralCore
import Support
import Testing

@testable import Models

/// The VRNN: the whole model's gradient (posterior vs learned prior KL, reparameterisation,
/// recurrence, decoder) against central differences; it learns a short real text; same seed,
/// same loss; samples are valid symbols.
@Suite struct VRNNTests {
    static let tiny = VRNNConfiguration(vocabularySize: 7, embeddingDimension: 3, hidden: 4, latent: 2)

    static func windows(_ text: String, length: Int, count: Int, offset: Int = 0) -> TokenBatch {
        let bytes = Array(text.utf8).map { Int32(min($0, 127)) }
        let sentences = (0..<count).map { i in Array(bytes[(offset + i * length)..<(offset + (i + 1) * length)]) }
        return TokenBatch(sentences: sentences, time: length)
    }

    /// ReLUs sit on every path: with ε = 1e-2 a perturbation crosses kinks (the numeric value of
    /// enc_x.bias[3] is 0.100 at ε = 1e-2, 0.078 at 1e-3, 0.0741 at 1e-4 for an analytic 0.0741),
    /// so ε is 3e-4, where Float32 rounding is still far below the tolerance.
    @Test func wholeModelGradient() {
        var rng = RandomGenerator(seed: 21)
        let model = VRNN(configuration: Self.tiny, rng: &rng)
        let ids: [[Int32]] = [[1, 4, 6, 0, 2], [3, 3, 5, 1, 6], [0, 2, 4, 6, 1]]
        let batch = TokenBatch(sentences: ids, time: 5)
        func loss(gradients: Bool) -> Double {
            var noise = RandomGenerator(seed: 77)
            return model.run(batch, beta: 0.7, gradients: gradients, normalizer: 3, rng: &noise).loss
        }
        let params = model.namedParameters
        params.zeroGradients()
        _ = loss(gradients: true)
        var checked = 0
        for p in params where p.parameter.isTrainable {
            checked += expectGradient(
                "vrnn: \(p.name)", of: p.parameter.value, analytic: p.parameter.gradient, eps: 3e-4,
                rtol: 3e-2, atol: 3e-3
            ) { loss(gradients: false) }
        }
        #expect(checked > 80)
    }

    /// Two slices on replicas (DataParallelVRNN): the merged gradient is the whole batch's.
    @Test func dataParallelGradient() {
        var rng = RandomGenerator(seed: 21)
        let model = VRNN(configuration: Self.tiny, rng: &rng)
        let parallel = DataParallel(model: model, shards: 2)
        let batch = TokenBatch(sentences: [[1, 4, 6, 0], [3, 3, 5, 1], [0, 2, 4, 6]], time: 4)
        func loss() -> Double {
            var noise = RandomGenerator(seed: 5)
            return parallel.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &noise).loss
        }
        let params = model.namedParameters
        params.zeroGradients()
        _ = loss()
        let analytic = params.map { $0.parameter.gradient.copy() }
        var checked = 0
        for (p, g) in zip(params, analytic) where p.parameter.isTrainable {
            checked += expectGradient(
                "parallel vrnn: \(p.name)", of: p.parameter.value, analytic: g, eps: 3e-4,
                rtol: 3e-2, atol: 3e-3
            ) { loss() }
        }
        #expect(checked > 80)
    }

    /// Parameter names are the PyTorch reference's (Benchmarks/python/torch_models.py, VRNN).
    @Test func parameterNamesMatchThePyTorchReference() {
        var rng = RandomGenerator(seed: 1)
        let names = VRNN(configuration: Self.tiny, rng: &rng).namedParameters.map(\.name)
        #expect(
            names == [
                "emb.weight", "phi_x.0.weight", "phi_x.0.bias", "phi_z.0.weight", "phi_z.0.bias",
                "enc_x.weight", "enc_x.bias", "enc_h.weight", "enc_stats.weight", "enc_stats.bias",
                "prior.0.weight", "prior.0.bias", "prior_stats.weight", "prior_stats.bias",
                "dec.0.weight", "dec.0.bias", "dec.2.weight", "dec.2.bias",
                "cell.weight_ih", "cell.weight_hh", "cell.bias_ih", "cell.bias_hh"
            ])
    }

    /// A small VRNN learns English text: the negative ELBO per character falls from ≈ log 128
    /// (4.85 nats) well below the 2.6 nats per character of an order-0 model of English.
    @Test func learnsShortText() {
        let text = TinyCorpus.sentences.joined(separator: ". ") + ". "
        let configuration = VRNNConfiguration(vocabularySize: 128, embeddingDimension: 16, hidden: 48, latent: 8)
        var rng = RandomGenerator(seed: 3)
        let model = VRNN(configuration: configuration, rng: &rng)
        let params = model.namedParameters
        var adam = Adam(learningRate: 0.01)
        let length = 24, count = text.utf8.count / length
        let batch = Self.windows(text, length: length, count: count)
        var first = 0.0, last = 0.0
        for step in 0..<150 {
            params.zeroGradients()
            let m = model.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &rng)
            clipGradientNorm(params, maxNorm: 5)
            adam.update(params)
            let perCharacter = m.loss / Double(length)
            if step == 0 { first = perCharacter }
            last = perCharacter
        }
        #expect(first > 4.5)
        #expect(last < 1.8, "negative ELBO per character after 150 steps: \(last)")
    }

    @Test func sameSeedSameLossAndValidSamples() {
        func lossAndSamples() -> (Double, [[Int32]]) {
            var rng = RandomGenerator(seed: 9)
            let model = VRNN(configuration: Self.tiny, rng: &rng)
            let batch = TokenBatch(sentences: [[1, 2, 3], [4, 5, 6]], time: 3)
            let m = model.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &rng)
            return (
                m.loss, model.sample(count: 3, length: 8, strategy: .sample(temperature: 0.8, topK: nil), rng: &rng)
            )
        }
        let (a, sa) = lossAndSamples(), (b, sb) = lossAndSamples()
        #expect(a == b && sa == sb)
        #expect(sa.count == 3 && sa.allSatisfy { $0.count == 8 && $0.allSatisfy { (0..<7).contains($0) } })
    }
}
