import Foundation
import NeuralCore
import NumericTestSupport
import Support
import Testing

@testable import Models

@Suite struct SentenceVAEBehaviourTests {
    static let small = SentenceVAEConfiguration(
        vocabularySize: 12, embeddingDimension: 6, encoderHidden: 7, latent: 4,
        decoderHidden: 7, wordDropout: 0)

    /// Extra padding columns change neither the loss nor any gradient (padding contributes nothing).
    @Test func paddingInvariance() {
        func gradients(time: Int) -> (Double, [Tensor]) {
            var rng = RandomGenerator(seed: 5)
            var c = Self.small
            c.bidirectional = true
            let model = SentenceVAE(configuration: c, rng: &rng)
            let short = randomBatch(B: 4, T: 6, V: 12, seed: 8, lengths: [6, 1, 3, 4])
            let batch = TokenBatch(sentences: (0..<4).map { short.sentence($0) }, time: time)
            var noise = RandomGenerator(seed: 9)
            let m = model.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &noise)
            return (m.loss, model.namedParameters.map { $0.parameter.gradient.copy() })
        }
        let (l1, g1) = gradients(time: 6), (l2, g2) = gradients(time: 11)
        #expect(abs(l1 - l2) <= 1e-5 * abs(l1))
        for (a, b) in zip(g1, g2) { #expect(a.maxAbsDifference(b) <= 1e-5) }
    }

    /// Same seed → bit-identical parameters after three Adam steps (with every dropout on).
    @Test func sameSeedSameParameters() {
        func train(seed: UInt64) -> [[Float]] {
            var rng = RandomGenerator(seed: seed)
            var c = Self.small
            c.wordDropout = 0.3
            c.embeddingDropout = 0.1
            let model = SentenceVAE(configuration: c, rng: &rng)
            let params = model.namedParameters
            var adam = Adam(learningRate: 0.01)
            for step in 0..<3 {
                params.zeroGradients()
                _ = model.trainStep(
                    randomBatch(B: 4, T: 6, V: 12, seed: UInt64(step)), objective: ObjectiveSettings(beta: 1), rng: &rng
                )
                clipGradientNorm(params, maxNorm: 5)
                adam.update(params)
            }
            return params.map(\.parameter.value.scalars)
        }
        let a = train(seed: 42)
        #expect(a == train(seed: 42))
        #expect(a != train(seed: 43))
    }

    /// PyTorch-style names, unique, covering every parameter.
    @Test func parameterNames() {
        var rng = RandomGenerator(seed: 1)
        var c = Self.small
        c.bidirectional = true
        c.encoderDense = 5
        let names = SentenceVAE(configuration: c, rng: &rng).namedParameters.map(\.name)
        #expect(Set(names).count == names.count)
        for n in [
            "embedding.weight", "encoder.weight_ih_l0", "encoder.weight_hh_l0_reverse", "encoder_dense.weight",
            "to_mean.weight", "to_log_variance.bias", "latent_to_state.weight", "decoder.weight_ih_l0", "output.weight"
        ] {
            #expect(names.contains(n), "missing \(n)")
        }
    }

    /// A small model memorises 20 real sentences: reconstruction falls under 0.35 nats per target
    /// within 150 Adam steps, and greedy decoding of μ(x) gives most sentences back.
    @Test func overfitsTwentySentences() {
        let (batch, V, _) = TinyCorpus.batch()
        var rng = RandomGenerator(seed: 2016)
        let c = SentenceVAEConfiguration(
            vocabularySize: V, embeddingDimension: 24, encoderHidden: 48, latent: 16,
            decoderHidden: 48)
        let model = SentenceVAE(configuration: c, rng: &rng)
        let params = model.namedParameters
        var adam = Adam(learningRate: 0.01)
        var metrics: StepMetrics! = nil
        let annealing = KLAnnealing.linear(steps: 150, from: 0, to: 0.1)
        for step in 0..<150 {
            params.zeroGradients()
            metrics = model.trainStep(batch, objective: ObjectiveSettings(beta: annealing.beta(at: step)), rng: &rng)
            clipGradientNorm(params, maxNorm: 5)
            adam.update(params)
        }
        let perToken = metrics.reconstruction * Double(metrics.sentences) / Double(metrics.tokens)
        #expect(perToken < 0.35, "reconstruction \(perToken) nats per target after 150 steps")
        let decoded = model.decode(model.encode(batch).mean, strategy: .greedy, maxLength: 12, rng: &rng)
        let exact = (0..<batch.batchSize).filter { decoded[$0] == batch.sentence($0) }.count
        #expect(exact >= 15, "greedy decoding reproduced \(exact) of 20 sentences")
    }
}

@Suite struct DecodingTests {
    /// A random model whose `<eos>` logit is raised, so that most sentences end by themselves.
    static func model() -> (SentenceVAE, Tensor) {
        var rng = RandomGenerator(seed: 31)
        let c = SentenceVAEConfiguration(
            vocabularySize: 10, embeddingDimension: 5, encoderHidden: 6, latent: 3,
            decoderHidden: 6, latentAtEveryStep: true)
        let m = SentenceVAE(configuration: c, rng: &rng)
        m.output.bias!.value[SpecialToken.end.index] += 1.2
        m.output.bias!.value[SpecialToken.padding.index] -= 5
        return (m, Tensor.normal([12, 3], std: 1.5, rng: &rng))
    }

    @Test func greedyEqualsBeamOfWidthOneAndTopOneSampling() {
        let (m, z) = Self.model()
        var rng = RandomGenerator(seed: 0)
        let greedy = m.decodeScored(z, strategy: .greedy, maxLength: 10, rng: &rng)
        let beam1 = m.decodeScored(z, strategy: .beam(width: 1), maxLength: 10, rng: &rng)
        let top1 = m.decodeScored(z, strategy: .sample(temperature: 1, topK: 1), maxLength: 10, rng: &rng)
        #expect(greedy.map(\.tokens) == beam1.map(\.tokens))
        #expect(greedy.map(\.tokens) == top1.map(\.tokens))
        // Exact: beam search of width 1 makes greedy decoding's decoder calls, row for row.
        for (g, b) in zip(greedy, beam1) { #expect(g.logProbability == b.logProbability && g.finished == b.finished) }
        #expect(greedy.filter(\.finished).count >= 6)
    }

    /// How far two evaluations of a sentence's score may differ when the decoder runs with
    /// another number of rows (beam width 4 decodes 4 rows per latent): at step t the logits come
    /// through t + 1 dependent sums of E + Z + H + 2 terms (input, latent, state, biases); a
    /// log-softmax moves by at most twice its logits' error; the score adds `length` steps.
    static func scoreTolerance(_ m: SentenceVAE, _ z: Tensor, length: Int) -> Double {
        let c = m.configuration
        let terms = c.embeddingDimension + c.latent + c.decoderHidden + 2
        let weights = m.namedParameters.map { Rounding.maxMagnitude($0.parameter.value.scalars) }.max()!
        let magnitude = Double(terms) * weights * max(1, Rounding.maxMagnitude(z.scalars))
        return (1...max(1, length)).reduce(0) {
            $0 + 2 * Rounding.chain(stages: $1 + 1, terms: terms, magnitude: magnitude)
        }
    }

    @Test func beamScoresAtLeastGreedy() {
        let (m, z) = Self.model()
        var rng = RandomGenerator(seed: 0)
        let greedy = m.decodeScored(z, strategy: .greedy, maxLength: 10, rng: &rng)
        let beam = m.decodeScored(z, strategy: .beam(width: 4), maxLength: 10, rng: &rng)
        var strictlyBetter = 0
        for (g, b) in zip(greedy, beam) where g.finished {
            let tolerance = Self.scoreTolerance(m, z, length: max(g.tokens.count, b.tokens.count) + 1)
            #expect(
                b.finished && b.logProbability >= g.logProbability - tolerance,
                "beam \(b) vs greedy \(g), tolerance \(tolerance)")
            if b.logProbability > g.logProbability + 1e-6 { strictlyBetter += 1 }
        }
        print("beam(4) beat greedy on \(strictlyBetter) of \(greedy.count) latents")
    }

    @Test func seededSamplingIsReproducible() {
        let (m, z) = Self.model()
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5), c = RandomGenerator(seed: 6)
        let s1 = m.decode(z, strategy: .sample(temperature: 1, topK: nil), maxLength: 10, rng: &a)
        let s2 = m.decode(z, strategy: .sample(temperature: 1, topK: nil), maxLength: 10, rng: &b)
        let s3 = m.decode(z, strategy: .sample(temperature: 1, topK: nil), maxLength: 10, rng: &c)
        #expect(s1 == s2)
        #expect(s1 != s3)
        #expect(s1.allSatisfy { $0.count <= 10 && !$0.contains(SpecialToken.end.id) })
    }

    /// The decoder's own teacher-forced NLL of a decoded, finished sentence equals minus its score.
    @Test func scoresMatchTeacherForcedLikelihood() {
        let (m, z) = Self.model()
        var rng = RandomGenerator(seed: 0)
        let beam = m.decodeScored(z, strategy: .beam(width: 3), maxLength: 10, rng: &rng)
        for (i, s) in beam.enumerated() where s.finished && !s.tokens.isEmpty {
            let batch = TokenBatch(sentences: [s.tokens])
            let dec = m.decodeForward(batch, z: z.rows(i..<(i + 1)), training: false, rng: &rng)
            let ce = softmaxCrossEntropy(logits: m.output.forward(dec.packed), targets: dec.targets)
            #expect(abs(ce.total + s.logProbability) < 1e-3)
        }
    }
}

@Suite struct ImportanceWeightingTests {
    static func setup() -> (SentenceVAE, TokenBatch) {
        var rng = RandomGenerator(seed: 8)
        let c = SentenceVAEConfiguration(
            vocabularySize: 12, embeddingDimension: 6, encoderCell: .gru, encoderHidden: 7,
            latent: 4, decoderCell: .gru, decoderHidden: 7)
        let m = SentenceVAE(configuration: c, rng: &rng)
        m.toLogVariance.bias!.value.fill(0.5)  // a wide posterior: a visible Jensen gap
        return (m, randomBatch(B: 6, T: 5, V: 12, seed: 4))
    }

    /// E[IW-NLL_K] ≤ −ELBO: averaged over the sentences, the K = 40 estimate is below the
    /// single-sample −ELBO averaged over 30 draws; and a seed reproduces it exactly.
    @Test func boundAndDeterminism() {
        let (m, batch) = Self.setup()
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
        let iw = m.importanceWeightedNLL(batch, samples: 40, rng: &a)
        #expect(iw == m.importanceWeightedNLL(batch, samples: 40, rng: &b))
        var elbo = 0.0
        var rng = RandomGenerator(seed: 2)
        for _ in 0..<30 {
            let e = m.evaluate(batch, rng: &rng)
            elbo += zip(e.perSentenceReconstruction, e.perSentenceKL).map(+).reduce(0, +) / Double(batch.batchSize)
        }
        elbo /= 30
        let meanIW = iw.reduce(0, +) / Double(iw.count)
        #expect(meanIW < elbo, "IW-NLL \(meanIW) vs −ELBO \(elbo)")
        #expect(meanIW > 0 && iw.allSatisfy(\.isFinite))
    }

    /// Chunking K does not change the estimate's value beyond float noise: the IW estimate with
    /// K = 1 and the same generator equals the single-sample reconstruction + log q − log p.
    @Test func singleSampleMatchesELBOInExpectation() {
        let (m, batch) = Self.setup()
        var rng = RandomGenerator(seed: 3)
        var iw1 = 0.0
        for _ in 0..<200 { iw1 += m.importanceWeightedNLL(batch, samples: 1, rng: &rng).reduce(0, +) }
        var elbo = 0.0
        for _ in 0..<200 {
            let e = m.evaluate(batch, rng: &rng)
            elbo += zip(e.perSentenceReconstruction, e.perSentenceKL).map(+).reduce(0, +)
        }
        // Both estimate −ELBO (K = 1 is unbiased for it); within 3 % over 1,200 draws.
        #expect(abs(iw1 - elbo) / elbo < 0.03, "K=1: \(iw1 / 1200) vs −ELBO \(elbo / 1200)")
    }
}

@Suite struct ObjectiveTests {
    @Test func annealingValues() {
        #expect(KLAnnealing.constant(0.3).beta(at: 1000) == 0.3)
        let lin = KLAnnealing.linear(steps: 100)
        #expect(lin.beta(at: 0) == 0 && lin.beta(at: 50) == 0.5 && lin.beta(at: 100) == 1 && lin.beta(at: 500) == 1)
        #expect(KLAnnealing.linear(steps: 10, from: 0.2, to: 0.4).beta(at: 5) == 0.3)
        let log = KLAnnealing.logistic(k: 0.0025, x0: 2500)
        #expect(log.beta(at: 2500) == 0.5)
        #expect(abs(log.beta(at: 0) - Float(1 / (1 + exp(6.25)))) < 1e-7)
        #expect(log.beta(at: 10_000) > 0.999)
        let cyc = KLAnnealing.cyclical(period: 100, ratio: 0.5, cycles: 2)
        #expect(cyc.beta(at: 0) == 0 && cyc.beta(at: 25) == 0.5 && cyc.beta(at: 50) == 1 && cyc.beta(at: 99) == 1)
        #expect(cyc.beta(at: 125) == 0.5 && cyc.beta(at: 200) == 1 && cyc.beta(at: 225) == 1)
        #expect(KLAnnealing.cyclical(period: 100, ratio: 0.5).beta(at: 225) == 0.5)
    }

    @Test func annealingIsCodable() throws {
        for a in [
            KLAnnealing.constant(1), .linear(steps: 3, from: 0, to: 1), .logistic(k: 1, x0: 2),
            .cyclical(period: 4, ratio: 0.5, cycles: nil)
        ] {
            let data = try JSONEncoder().encode(a)
            #expect(try JSONDecoder().decode(KLAnnealing.self, from: data) == a)
        }
    }

    /// Free bits: dimensions whose batch-mean KL is under the floor count as the floor and get
    /// no gradient; the others are unchanged.
    @Test func freeBitsFloorAndGradient() {
        // dim 0: μ = ±2 (KL 2 each row), dim 1: μ = 0.1 (KL 0.005).
        let mean = Tensor(shape: [2, 2], [2, 0.1, -2, 0.1]), lv = Tensor(zeros: [2, 2])
        let off = KLTerm(mean: mean, logVariance: lv, freeBits: 0, gradientScale: 1)
        #expect(abs(off.lossTerm - 2.005) < 1e-6)
        let on = KLTerm(mean: mean, logVariance: lv, freeBits: 0.5, gradientScale: 1)
        #expect(abs(on.lossTerm - 2.5) < 1e-6)
        #expect(on.perRow == off.perRow)
        #expect(on.gradMean!.scalars == [2, 0, -2, 0])
        #expect(off.gradMean!.scalars == [2, 0.1, -2, 0.1])
    }

    @Test func activeUnits() {
        var acc = ActiveUnitsAccumulator(latent: 3)
        acc.add(means: Tensor(shape: [2, 3], [1, 0.05, 5, -1, 0.0, 5]))
        acc.add(means: Tensor(shape: [2, 3], [1, 0.05, 5, -1, 0.0, 5]))
        #expect(abs(acc.variances[0] - 1) < 1e-12 && acc.variances[2] == 0)
        #expect(acc.activeCount() == 1)
        #expect(acc.activeCount(threshold: 1e-4) == 2)
    }

    /// MI ≈ 0 when every x has the same posterior; ≈ log N when posteriors are far apart and narrow.
    @Test func mutualInformation() {
        var rng = RandomGenerator(seed: 1)
        let same = MutualInformation.estimate(
            means: Tensor(zeros: [50, 2]), logVariances: Tensor(zeros: [50, 2]), rng: &rng)
        #expect(abs(same) < 0.1)  // only the Monte-Carlo noise of one z per row
        let apart = Tensor(zeros: [50, 2])
        for i in 0..<50 { apart[i, 0] = Float(i) * 10 }
        let mi = MutualInformation.estimate(
            means: apart, logVariances: Tensor(shape: [50, 2], repeating: -4), rng: &rng)
        #expect(abs(mi - log(50.0)) < 1e-3)
    }
}
