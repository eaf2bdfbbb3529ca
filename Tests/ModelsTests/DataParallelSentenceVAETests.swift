import Foundation
import NeuralCore
import NumericTestSupport
import Support
import Testing

@testable import Models

/// Data-parallel steps optimise the whole batch's objective: the gradient merged from the
/// replicas matches central differences of the loss the step reports, with word dropout, free
/// bits and slices of unequal size; evaluation returns sentences in the batch's order.
@Suite struct DataParallelSentenceVAETests {
    static let configuration = SentenceVAEConfiguration(
        vocabularySize: 9, embeddingDimension: 4, encoderHidden: 5,
        latent: 4, decoderHidden: 5, wordDropout: 0.3)

    /// Checks every trainable parameter of the primary model against the loss of `shards` slices.
    static func check(
        shards: Int, objective: ObjectiveSettings, label: String, configuration: SentenceVAEConfiguration = configuration
    ) {
        var rng = RandomGenerator(seed: 5)
        let model = SentenceVAE(configuration: configuration, rng: &rng)
        let parallel = DataParallel(model: model, shards: shards)
        let batch = randomBatch(B: 5, T: 5, V: configuration.vocabularySize, seed: 8, lengths: [5, 2, 3, 1, 4])
        func loss() -> Double {
            var noise = RandomGenerator(seed: 42)
            return parallel.trainStep(batch, objective: objective, rng: &noise).loss
        }
        let params = model.namedParameters
        params.zeroGradients()
        _ = loss()
        // Copies: the numeric passes below accumulate into the same gradients again.
        let analytic = params.map { $0.parameter.gradient.copy() }
        var checked = 0
        let padRow = configuration.outputTied ? configuration.embeddingDimension : 0  // held at zero
        for (p, g) in zip(params, analytic) where p.parameter.isTrainable {
            checked += expectGradient(
                "\(label): \(p.name)", of: p.parameter.value, analytic: g,
                from: p.name == "embedding.weight" ? padRow : 0
            ) { loss() }
        }
        #expect(checked > 50)
    }

    @Test(arguments: [2, 3]) func mergedGradientMatchesTheBatchLoss(shards: Int) {
        Self.check(shards: shards, objective: ObjectiveSettings(beta: 0.8), label: "\(shards) shards")
    }

    /// A tied output layer's dense gradient is merged from the replicas like any other weight's.
    @Test func tiedOutputLayerMergesAcrossReplicas() {
        var c = Self.configuration
        c.embeddingDimension = c.decoderHidden
        c.tieOutputToEmbedding = true
        Self.check(shards: 2, objective: ObjectiveSettings(beta: 0.8), label: "tied, 2 shards", configuration: c)
    }

    /// The free-bits floor is decided on the whole batch's per-dimension KL, between the phases.
    @Test func freeBitsUseTheWholeBatch() {
        var rng = RandomGenerator(seed: 5)
        let model = SentenceVAE(configuration: Self.configuration, rng: &rng)
        let batch = randomBatch(B: 5, T: 5, V: Self.configuration.vocabularySize, seed: 8, lengths: [5, 2, 3, 1, 4])
        let (m, lv) = model.encode(batch)
        let dims = KLTerm(mean: m, logVariance: lv, freeBits: 0, gradientScale: nil).perDimension.sorted()
        // The floor sits in the widest gap, so the ±ε perturbations never carry a dimension across it.
        var widest = 1
        for i in 2..<dims.count where dims[i] - dims[i - 1] > dims[widest] - dims[widest - 1] { widest = i }
        let floor = Float((dims[widest] + dims[widest - 1]) / 2)
        Self.check(shards: 2, objective: ObjectiveSettings(beta: 1, freeBits: floor), label: "free bits \(floor)")
    }

    /// Reported reconstruction, KL and counts are the whole batch's: one slice or two give the
    /// same KL and tokens (the KL has no noise), and the loss is reconstruction + β · KL.
    @Test func metricsAreTheWholeBatch() {
        var rng = RandomGenerator(seed: 5)
        let model = SentenceVAE(configuration: Self.configuration, rng: &rng)
        let batch = randomBatch(B: 6, T: 5, V: Self.configuration.vocabularySize, seed: 9)
        var noise = RandomGenerator(seed: 1)
        let single = model.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &noise)
        model.zeroGradients()
        let parallel = DataParallel(model: model, shards: 2)
        let split = parallel.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &noise)
        // The slices' encoders run on 3 rows instead of 6, which a BLAS may round differently:
        // μ and log σ² come through T + 1 dependent sums of E + H + 2 terms, and KL moves by
        // (|μ| + ½|σ² − 1|) per unit of their error, per dimension, averaged over sentences.
        let c = Self.configuration
        let (mean, logVariance) = model.encode(batch)
        let terms = c.embeddingDimension + c.encoderHidden + 2
        let weights = model.namedParameters.map { Rounding.maxMagnitude($0.parameter.value.scalars) }.max()!
        let error = Rounding.chain(stages: 5 + 1, terms: terms, magnitude: Double(terms) * weights * max(1, weights))
        var sensitivity = 0.0
        for i in 0..<mean.count {
            sensitivity += abs(Double(mean.data[i])) + 0.5 * abs(Foundation.exp(Double(logVariance.data[i])) - 1)
        }
        let tolerance = error * sensitivity / 6
        #expect(abs(split.kl - single.kl) <= tolerance, "KL \(split.kl) vs \(single.kl), tolerance \(tolerance)")
        #expect(split.tokens == single.tokens && split.sentences == 6)
        #expect(abs(split.loss - (split.reconstruction + 0.5 * split.kl)) < 1e-9)
    }

    /// Evaluation over slices: posterior means and KL per sentence equal the single pass's,
    /// in the batch's order.
    @Test func evaluationKeepsTheBatchOrder() throws {
        var rng = RandomGenerator(seed: 5)
        let model = SentenceVAE(configuration: Self.configuration, rng: &rng)
        let parallel = DataParallel(model: model, shards: 3)
        let batch = randomBatch(B: 7, T: 5, V: Self.configuration.vocabularySize, seed: 10)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let whole = model.evaluate(batch, rng: &a)
        let sliced = parallel.evaluate(batch, rng: &b)
        let slicedMeans = try #require(sliced.means), wholeMeans = try #require(whole.means)
        #expect(slicedMeans.shape == wholeMeans.shape)
        for i in 0..<wholeMeans.count { #expect(abs(slicedMeans.data[i] - wholeMeans.data[i]) < 1e-5) }
        for (x, y) in zip(sliced.perSentenceKL, whole.perSentenceKL) { #expect(abs(x - y) < 1e-4) }
        #expect(sliced.tokens == whole.tokens && sliced.perSentenceReconstruction.count == 7)
    }

    /// A replica reads the primary's weights: an optimiser step on the primary changes what the
    /// replica computes, with no copy.
    @Test func replicasShareTheWeights() throws {
        var rng = RandomGenerator(seed: 5)
        let model = SentenceVAE(configuration: Self.configuration, rng: &rng)
        let parallel = DataParallel(model: model, shards: 2)
        let batch = randomBatch(B: 4, T: 5, V: Self.configuration.vocabularySize, seed: 11)
        var r1 = RandomGenerator(seed: 2)
        let before = try #require(parallel.evaluate(batch, rng: &r1).means).copy()
        model.toMean.bias!.value.data[0] += 1
        var r2 = RandomGenerator(seed: 2)
        let after = try #require(parallel.evaluate(batch, rng: &r2).means)
        // Rows 2 and 3 come from the replica.
        for row in 0..<4 { #expect(abs(after.data[row * 4] - before.data[row * 4] - 1) < 1e-5) }
    }
}
