import Foundation
import Support
import Testing

@testable import NeuralCore

/// End-to-end: a character LSTM language model (Embedding → LSTM → Linear → fused CE) trained
/// with Adam overfits a short real text, and the same seed reproduces the run bit for bit.
@Suite struct TrainingTests {
    /// The first five sentences of Genesis 1 (World English Bible, public domain), as in
    /// corpora/web_sentences.txt.gz (290 characters, 34 distinct).
    static let text =
        "In the beginning, God created the heavens and the earth. The earth was formless and empty. "
        + "Darkness was on the surface of the deep and God’s Spirit was hovering over the surface of the waters. "
        + "God said, “Let there be light,” and there was light. God saw the light, and saw that it was good."

    /// Trains for `steps` steps and returns the mean loss per character at each step.
    static func train(seed: UInt64, steps: Int) throws -> [Float] {
        let chars = Array(text)
        let vocabulary = Array(Set(chars)).sorted()
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        let ids = chars.map { index[$0]! }
        // 4 chunks of up to 75 steps; the last one (64 steps) is padded (exercises the masks).
        let (B, T) = (4, 75)
        var inputs = [Int](repeating: 0, count: B * T), targets = [Int](repeating: 0, count: B * T)
        var mask = [Float](repeating: 0, count: B * T), lengths = [Int](repeating: 0, count: B)
        for b in 0..<B {
            let start = b * T
            let len = min(T, ids.count - 1 - start)
            lengths[b] = len
            for t in 0..<len {
                inputs[b * T + t] = ids[start + t]; targets[b * T + t] = ids[start + t + 1]; mask[b * T + t] = 1
            }
        }
        #expect(lengths.last! < T)

        var rng = RandomGenerator(seed: seed)
        let (E, H, V) = (16, 64, vocabulary.count)
        let embedding = Embedding(vocabularySize: V, dimension: E, rng: &rng)
        let lstm = LSTM(inputSize: E, hiddenSize: H, rng: &rng)
        let output = Linear(H, V, rng: &rng)
        let params =
            embedding.parameters(prefix: "embedding") + lstm.parameters(prefix: "lstm")
            + output.parameters(prefix: "output")
        var adam = Adam(learningRate: 0.01)
        let tokens = Float(mask.reduce(0, +))
        var losses: [Float] = []
        for step in 1...steps {
            params.zeroGradients()
            let x = embedding.forward(inputs, shape: [B, T])
            let h = lstm.forward(x, lengths: lengths)
            let flat = h.output.reshaped([B * T, H])
            let logits = output.forward(flat)
            let ce = softmaxCrossEntropy(
                logits: logits, targets: targets, mask: mask, time: T, gradientScale: 1 / tokens)
            let dFlat = output.backward(input: flat, gradOutput: logits)!  // logits now hold dL/dlogits.
            let dx = lstm.backward(h.cache, gradOutput: dFlat.reshaped([B, T, H])).gradInput
            embedding.backward(ids: inputs, gradOutput: dx)
            let norm = clipGradientNorm(params, maxNorm: 5)
            try checkFinite(loss: ce.meanPerToken, gradientNorm: norm, step: step)
            adam.update(params)
            losses.append(ce.meanPerToken)
        }
        return losses
    }

    @Test func characterLanguageModelOverfitsAndIsDeterministic() throws {
        let start = Date()
        let run1 = try Self.train(seed: 2024, steps: 80)
        let elapsed = Date().timeIntervalSince(start)
        print(
            "char LM: loss \(run1[0]) → \(run1[39]) → \(run1[59]) → \(run1.last!) nats/char in 80 steps, "
                + "\(String(format: "%.2f", elapsed)) s"
        )
        #expect(run1[0] > 3)  // ≈ log(vocabulary) at the start
        #expect(run1.last! < 0.5)  // overfits: below 0.5 nats per character
        let run2 = try Self.train(seed: 2024, steps: 80)
        #expect(run1 == run2)  // bit-identical trajectory
        let run3 = try Self.train(seed: 7, steps: 3)
        #expect(run3 != Array(run1.prefix(3)))
    }

    /// A miniature sentence VAE (Bowman et al. 2016) wired from NeuralCore parts; the gradient of
    /// the whole ELBO loss (CE + KL, with padding) is checked against central differences.
    @Test func sentenceVAEEndToEndGradient() {
        var rng = RandomGenerator(seed: 77)
        let (B, T, V, E, H, Z) = (3, 4, 6, 3, 4, 2)
        let embedding = Embedding(vocabularySize: V, dimension: E, rng: &rng)
        let encoder = LSTM(inputSize: E, hiddenSize: H, bidirectional: true, rng: &rng)
        let toMean = Linear(2 * H, Z, rng: &rng), toLogVariance = Linear(2 * H, Z, rng: &rng)
        let toState = Linear(Z, H, rng: &rng)
        let decoder = LSTM(inputSize: E, hiddenSize: H, rng: &rng)
        let output = Linear(H, V, rng: &rng)
        let params =
            embedding.parameters(prefix: "embedding") + encoder.parameters(prefix: "encoder.lstm")
            + toMean.parameters(prefix: "encoder.mean") + toLogVariance.parameters(prefix: "encoder.logvar")
            + toState.parameters(prefix: "decoder.init") + decoder.parameters(prefix: "decoder.lstm")
            + output.parameters(prefix: "decoder.out")
        let lengths = [4, 2, 3]
        let ids = (0..<(B * T)).map { _ in rng.nextInt(below: V) }
        let targets = (0..<(B * T)).map { _ in rng.nextInt(below: V) }
        let mask = (0..<(B * T)).map { Float($0 % T < lengths[$0 / T] ? 1 : 0) }

        func run(backward: Bool) -> Double {
            var noise = RandomGenerator(seed: 5)
            let x = embedding.forward(ids, shape: [B, T])
            let enc = encoder.forward(x, lengths: lengths)
            let summary = Tensor.concatenateLast([enc.finalStates[0].h, enc.finalStates[1].h])  // [B, 2H]
            let mean = toMean.forward(summary), logVariance = toLogVariance.forward(summary)
            let (z, eps) = Gaussian.reparameterize(mean: mean, logVariance: logVariance, rng: &noise)
            let pre = toState.forward(z)
            let h0 = Activation.tanh.forward(pre)
            let dec = decoder.forward(x, lengths: lengths, initialStates: [RNNState(h: h0)])
            let flat = dec.output.reshaped([B * T, H])
            let logits = output.forward(flat)
            let ce = softmaxCrossEntropy(
                logits: logits, targets: targets, mask: mask, time: T, gradientScale: 1 / Float(B))
            let kl = Gaussian.klToStandardNormal(mean: mean, logVariance: logVariance, gradientScale: 1 / Float(B))
            let loss = (ce.total + kl.perRow.reduce(0.0) { $0 + Double($1) }) / Double(B)
            guard backward else { return loss }
            let dFlat = output.backward(input: flat, gradOutput: logits)!
            let dDec = decoder.backward(dec.cache, gradOutput: dFlat.reshaped([B, T, H]))
            let dPre = Activation.tanh.backward(output: h0, gradOutput: dDec.gradInitialStates[0].h)
            let dz = toState.backward(input: z, gradOutput: dPre)!
            let (dMeanR, dLogVarR) = Gaussian.reparameterizeBackward(gradZ: dz, epsilon: eps, logVariance: logVariance)
            dMeanR.add(kl.gradMean); dLogVarR.add(kl.gradLogVariance)
            let dSummary = toMean.backward(input: summary, gradOutput: dMeanR)!
            dSummary.add(toLogVariance.backward(input: summary, gradOutput: dLogVarR)!)
            let halves = dSummary.splitLast([H, H])
            let dEnc = encoder.backward(
                enc.cache, gradOutput: nil,
                gradFinalStates: [RNNState(h: halves[0]), RNNState(h: halves[1])])
            let dx = dEnc.gradInput
            dx.add(dDec.gradInput)
            embedding.backward(ids: ids, gradOutput: dx)
            return loss
        }
        params.zeroGradients()
        _ = run(backward: true)
        for p in params {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient, maxChecks: 12) {
                run(backward: false)
            }
        }
    }
}
