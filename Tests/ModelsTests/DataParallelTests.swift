import NeuralCore
import Support
import Testing

@testable import Models

/// The generic wrapper, for every model: the gradient it merges from the replicas is the sum of
/// what each slice's two phases give on one model with the same generators, and the metrics add
/// up. Tolerances are float32 rounding of sums of a few terms (replicas add in another order).
@Suite struct DataParallelTests {
    static func models(_ rng: inout RandomGenerator) -> [(String, any TextModel, V: Int, full: Bool)] {
        [
            (
                "sentence",
                SentenceVAE(
                    configuration: SentenceVAEConfiguration(
                        vocabularySize: 30, embeddingDimension: 8, encoderCell: .gru,
                        encoderHidden: 10, latent: 3, decoderCell: .lstm, decoderHidden: 10), rng: &rng), 30, false
            ),
            (
                "character",
                CharacterVAE(
                    configuration: CharacterVAEConfiguration(
                        vocabularySize: 20, embeddingDimension: 6, encoderHidden: 9,
                        latent: 3, decoderHidden: 9), rng: &rng), 20, false
            ),
            (
                "vrnn",
                VRNN(
                    configuration: VRNNConfiguration(vocabularySize: 20, embeddingDimension: 6, hidden: 8, latent: 3),
                    rng: &rng), 20, true
            ),
            (
                "lm",
                LSTMLanguageModel(
                    configuration: LanguageModelConfiguration(vocabularySize: 20, embeddingDimension: 6, hidden: 9),
                    rng: &rng), 20, false
            )
        ]
    }

    @Test func mergedGradientsAreTheSlicesSum() {
        var rng = RandomGenerator(seed: 21)
        for (name, model, V, full) in Self.models(&rng) {
            let B = 6, T = 7
            let batch = randomBatch(B: B, T: T, V: V, seed: 4, lengths: full ? [Int](repeating: T, count: B) : nil)
            let objective = ObjectiveSettings(beta: 0.7)
            let parallel = makeBatchTrainer(model, shards: 2)
            model.zeroGradients()
            var r = RandomGenerator(seed: 9)
            let merged = parallel.trainStep(batch, objective: objective, rng: &r)
            let mergedGradients = model.namedParameters.map {
                Array(UnsafeBufferPointer(start: $0.parameter.gradient.data, count: $0.parameter.gradient.count))
            }

            // The same slices and generators, one after the other on the primary model.
            var split = RandomGenerator(seed: 9)
            let generators = [split.split(), split.split()]
            model.zeroGradients()
            var reconstruction = 0.0, kl = 0.0
            for (i, range) in [0..<3, 3..<6].enumerated() {
                let m = Self.slice(
                    model, batch.rows(range), generator: generators[i], objective: objective, normalizer: B)
                reconstruction += m.reconstruction
                kl += m.kl
            }
            // Each slice's sums are divided by the whole batch's size, so the batch's loss is theirs added.
            let loss = reconstruction + Double(objective.beta) * kl
            #expect(abs(loss - merged.loss) <= 1e-6 * max(1, abs(loss)), "\(name): loss \(merged.loss) vs \(loss)")
            for (p, expected) in zip(model.namedParameters, mergedGradients) {
                let g = p.parameter.gradient
                let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
                for j in 0..<g.count {
                    #expect(
                        abs(g.data[j] - expected[j]) <= 1e-5 * max(1, scale),
                        "\(name) \(p.name)[\(j)]: \(g.data[j]) vs \(expected[j])")
                }
            }
        }
    }

    /// One slice's two phases on `model` (opened from the existential).
    static func slice(
        _ model: any TextModel, _ batch: TokenBatch, generator: RandomGenerator, objective: ObjectiveSettings,
        normalizer: Int
    ) -> StepMetrics {
        func run<M: TextModel>(_ m: M) -> StepMetrics {
            var r = generator
            let start = m.beginStep(batch, rng: &r)
            return m.finishStep(
                batch, from: start, objective: objective, normalizer: normalizer, klDimensionMeans: nil, rng: &r)
        }
        return run(model)
    }

    /// The language model's analytic gradient against central differences of its exact loss.
    @Test func languageModelGradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let model = LSTMLanguageModel(
            configuration: LanguageModelConfiguration(vocabularySize: 12, embeddingDimension: 5, hidden: 6), rng: &rng)
        let batch = randomBatch(B: 3, T: 6, V: 12, seed: 8)
        var unused = RandomGenerator(seed: 0)
        model.zeroGradients()
        _ = model.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &unused)
        for p in model.namedParameters {
            let w = p.parameter.value
            for j in stride(from: 0, to: w.count, by: max(1, w.count / 5)) {
                let saved = w.data[j], h: Float = 1e-2
                w.data[j] = saved + h
                let plus = model.evaluate(batch, rng: &unused).perSentenceReconstruction.reduce(0, +) / 3
                w.data[j] = saved - h
                let minus = model.evaluate(batch, rng: &unused).perSentenceReconstruction.reduce(0, +) / 3
                w.data[j] = saved
                let numeric = (plus - minus) / Double(2 * h)
                let analytic = Double(p.parameter.gradient.data[j])
                #expect(
                    abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(analytic),
                    "\(p.name)[\(j)]: numeric \(numeric), analytic \(analytic)")
            }
        }
    }

    /// Teacher forcing below 1 feeds the model's own choices: the loss differs from full
    /// teacher forcing, is reproducible from the generator, and r = 1 equals the fast path.
    @Test func teacherForcingRatioIsReproducible() {
        var rng = RandomGenerator(seed: 5)
        var c = CharacterVAEConfiguration(
            vocabularySize: 16, embeddingDimension: 5, encoderHidden: 8, latent: 3, decoderHidden: 8, startSymbol: 2)
        let full = CharacterVAE(configuration: c, rng: &rng)
        c.teacherForcing = 0.3
        var same = RandomGenerator(seed: 5)
        let partial = CharacterVAE(configuration: c, rng: &same)
        let batch = randomBatch(B: 4, T: 9, V: 16, seed: 2)
        func loss(_ m: CharacterVAE) -> Double {
            var r = RandomGenerator(seed: 1); m.zeroGradients();
            return m.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &r).loss
        }
        #expect(loss(partial) == loss(partial))
        #expect(loss(partial) != loss(full))
        c.teacherForcing = 1
        var again = RandomGenerator(seed: 5)
        #expect(loss(CharacterVAE(configuration: c, rng: &again)) == loss(full))
    }
}
