import Foundation
import NeuralCore

/// The character-level recurrent VAE of seed 000 (Bowman et al. 2016 with LSTMs, over characters).
///
/// - Encoder: embed(x) `[B, T, E]` → LSTM → final hidden state (after each sequence's last real
///   character) `[B, He]` → two Linears → μ, log σ² `[B, Z]`.
/// - z = μ + σ ⊙ ε.
/// - Decoder (teacher forcing): input at step t is [embed(x_{t−1}), z] `[B, T, E + Z]` with
///   x_{−1} = `startSymbol` (the sequence shifted right); LSTM `[B, T, Hd]` from a zero state →
///   Linear → logits `[B, T, V]`; the target of step t is x_t. No end symbol: a sequence is a
///   window of text, and its length is known.
/// - Loss per sequence: Σ_t −log p(x_t | x_<t, z) + β · KL(q(z|x) ‖ N(0, I)), averaged over the
///   batch (with free bits: the KL term of ``KLTerm``).
///
/// It is `CharRVAE` of `Benchmarks/python/torch_models.py`, and its parameter names are that
/// reference's (`emb.weight`, `enc.weight_ih_l0`, `mu.weight`, `logvar.weight`,
/// `dec.weight_hh_l0`, `out.bias`, …), so a PyTorch state dict loads 1:1.
///
/// Variable lengths: `TokenBatch.lengths` are honoured everywhere — the LSTMs carry their state
/// over padded steps (so the encoder summary is the state after the last real character),
/// padded targets are masked out of the loss, and padded positions send no gradient to the
/// embedding — so padding changes nothing.
public final class CharacterVAE: Module, @unchecked Sendable {
    public let configuration: CharacterVAEConfiguration
    /// `[V, E]`, shared by the encoder and decoder inputs.
    public let embedding: Embedding
    /// One LSTM layer over `[B, T, E]`.
    public let encoder: LSTMLayer
    public let toMean: Linear
    public let toLogVariance: Linear
    /// One LSTM layer over `[B, T, E + Z]`; decoding runs it one step at a time as a cell.
    public let decoder: LSTMLayer
    public let output: Linear

    public init(configuration: CharacterVAEConfiguration, rng: inout RandomGenerator) {
        configuration.validate()
        let c = configuration
        self.configuration = c
        embedding = Embedding(vocabularySize: c.vocabularySize, dimension: c.embeddingDimension, rng: &rng)
        encoder = LSTMLayer(inputSize: c.embeddingDimension, hiddenSize: c.encoderHidden, rng: &rng)
        toMean = Linear(c.encoderHidden, c.latent, rng: &rng)
        toLogVariance = Linear(c.encoderHidden, c.latent, rng: &rng)
        decoder = LSTMLayer(inputSize: c.decoderInputWidth, hiddenSize: c.decoderHidden, rng: &rng)
        output = Linear(c.decoderHidden, c.vocabularySize, rng: &rng)
    }

    /// The PyTorch reference's names (`nn.LSTM` layers carry the `_l0` suffix).
    public var namedParameters: [NamedParameter] {
        let lstm = { (prefix: String, layer: LSTMLayer) in
            layer.namedParameters.map { NamedParameter("\(prefix).\($0.name)_l0", $0.parameter) }
        }
        return embedding.parameters(prefix: "emb") + lstm("enc", encoder) + toMean.parameters(prefix: "mu")
            + toLogVariance.parameters(prefix: "logvar") + lstm("dec", decoder) + output.parameters(prefix: "out")
    }

    // MARK: Public entry points

    /// Forward + backward on one batch with teacher forcing; **accumulates** gradients (the
    /// caller zeroes, clips and steps). ε, then the character-dropout draws, come from `rng`.
    /// `reconstruction` and `kl` are per sequence, averaged over the batch; tokens are Σ lengths.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics {
        run(batch, objective: objective, training: true, gradients: true, rng: &rng).metrics
    }

    /// No gradients and no character dropout: per-sequence reconstruction NLL with one
    /// z ~ q(z|x), per-sequence KL, and the posterior parameters. `tokens` is Σ lengths (there is
    /// no end symbol), so the negative ELBO per character is Σ (reconstruction + KL) / tokens.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        let r = run(batch, objective: ObjectiveSettings(beta: 1), training: false, gradients: false, rng: &rng)
        return EvaluationResult(perSentenceReconstruction: r.reconstruction, perSentenceKL: r.kl.perRow,
                                tokens: batch.lengths.reduce(0, +), means: r.encoded.mean, logVariances: r.encoded.logVariance)
    }

    /// The posterior parameters μ, log σ² `[B, Z]`.
    public func encode(_ batch: TokenBatch) -> (mean: Tensor, logVariance: Tensor) {
        let e = encodeForward(batch)
        return (e.mean, e.logVariance)
    }

    // MARK: Encoder

    struct EncoderPass {
        var ids: [Int]              // [B·T], batch-major
        var cache: LSTMLayer.Cache
        var summary: Tensor         // [B, He]: the state after each sequence's last character
        var mean: Tensor, logVariance: Tensor
    }

    func encodeForward(_ batch: TokenBatch) -> EncoderPass {
        let c = configuration, B = batch.batchSize, T = batch.time
        let ids = batch.ids.map { id -> Int in
            precondition(id >= 0 && Int(id) < c.vocabularySize, "CharacterVAE: symbol \(id) outside 0..<\(c.vocabularySize).")
            return Int(id)
        }
        let x = embedding.forward(ids, shape: [B, T])
        let r = encoder.forward(x, lengths: batch.lengths, initialState: nil, reverse: false)
        return EncoderPass(ids: ids, cache: r.cache, summary: r.finalState.h,
                           mean: toMean.forward(r.finalState.h), logVariance: toLogVariance.forward(r.finalState.h))
    }

    /// Back-propagates dμ, d log σ² through the encoder (accumulating parameter gradients).
    func encodeBackward(_ e: EncoderPass, batch: TokenBatch, gradMean: Tensor, gradLogVariance: Tensor) {
        let dSummary = toMean.backward(input: e.summary, gradOutput: gradMean)!
        dSummary.add(toLogVariance.backward(input: e.summary, gradOutput: gradLogVariance)!)
        let dx = encoder.backward(e.cache, gradOutput: nil, gradFinalState: RNNState(h: dSummary)).gradInput
        scatterEmbeddingGradient(ids: e.ids, gradient: dx, batch: batch)
    }

    /// `embedding.backward` over the real positions of `[B, T, ≥E]` gradients (the first E
    /// columns of each row): padded positions must not touch their ids' rows, or Adam would move
    /// those rows on a zero gradient.
    func scatterEmbeddingGradient(ids: [Int], gradient: Tensor, batch: TokenBatch) {
        let B = batch.batchSize, T = batch.time, E = configuration.embeddingDimension, W = gradient.lastDimension
        if W == E && batch.lengths.allSatisfy({ $0 == T }) {
            embedding.backward(ids: ids, gradOutput: gradient)
            return
        }
        let n = batch.lengths.reduce(0, +)
        var real = [Int]()
        real.reserveCapacity(n)
        let packed = Tensor(uninitialized: [n, E])
        let src = gradient.data, dst = packed.data
        for b in 0..<B {
            for t in 0..<batch.lengths[b] {
                (dst + real.count * E).update(from: src + (b * T + t) * W, count: E)
                real.append(ids[b * T + t])
            }
        }
        embedding.backward(ids: real, gradOutput: packed)
    }

    // MARK: Decoder (teacher forcing)

    struct DecoderPass {
        var inputIds: [Int]         // [B·T]: the batch shifted right (after character dropout)
        var cache: LSTMLayer.Cache
        var hidden: Tensor          // [B·T, Hd], zero on padded steps
    }

    /// Decoder input `[B, T, E + Z]`: each row is [embed(id), z_b].
    func decoderInput(ids: [Int], z: Tensor, batch B: Int, time T: Int) -> Tensor {
        let E = configuration.embeddingDimension, Z = configuration.latent, W = E + Z
        let x = Tensor(uninitialized: [B, T, W])
        let table = embedding.weight.value.data, xp = x.data, zp = z.data
        for b in 0..<B {
            for t in 0..<T {
                let row = xp + (b * T + t) * W
                row.update(from: table + ids[b * T + t] * E, count: E)
                (row + E).update(from: zp + b * Z, count: Z)
            }
        }
        return x
    }

    func decodeForward(_ batch: TokenBatch, ids: [Int], z: Tensor, training: Bool, rng: inout RandomGenerator) -> DecoderPass {
        let c = configuration, B = batch.batchSize, T = batch.time
        // Shift right: step 0 reads the start symbol, step t the character t − 1. Character
        // dropout is drawn for the real shifted characters only, so the draws do not depend on
        // the padded width.
        var inputIds = [Int](repeating: c.startSymbol, count: B * T)
        let drop = training && c.characterDropout > 0
        for b in 0..<B {
            for t in 1..<max(batch.lengths[b], 1) {
                var id = ids[b * T + t - 1]
                if drop && rng.nextUniform() < c.characterDropout { id = c.startSymbol }
                inputIds[b * T + t] = id
            }
        }
        let x = decoderInput(ids: inputIds, z: z, batch: B, time: T)
        let r = decoder.forward(x, lengths: batch.lengths, initialState: nil, reverse: false)
        return DecoderPass(inputIds: inputIds, cache: r.cache, hidden: r.output.reshaped([B * T, c.decoderHidden]))
    }

    /// Given dL/d(decoder outputs) `[B·T, Hd]`, back-propagates through the decoder and the
    /// embedding; returns dL/dz `[B, Z]` (Σ over steps of the z half of the input gradient).
    func decodeBackward(_ d: DecoderPass, batch: TokenBatch, gradHidden: Tensor) -> Tensor {
        let c = configuration, B = batch.batchSize, T = batch.time, E = c.embeddingDimension, Z = c.latent, W = E + Z
        let dx = decoder.backward(d.cache, gradOutput: gradHidden.reshaped([B, T, c.decoderHidden]), gradFinalState: nil).gradInput
        let dz = Tensor(zeros: [B, Z])
        let src = dx.data, zp = dz.data
        for b in 0..<B {
            let out = zp + b * Z
            for t in 0..<batch.lengths[b] {
                let row = src + (b * T + t) * W + E
                for j in 0..<Z { out[j] += row[j] }
            }
        }
        scatterEmbeddingGradient(ids: d.inputIds, gradient: dx, batch: batch)
        return dz
    }

    // MARK: The whole step

    struct Outcome {
        var metrics: StepMetrics
        var reconstruction: [Double]
        var kl: KLTerm
        var encoded: EncoderPass
    }

    func run(_ batch: TokenBatch, objective: ObjectiveSettings, training: Bool, gradients: Bool,
             rng: inout RandomGenerator) -> Outcome {
        finish(batch, encoded: encodeForward(batch), objective: objective, training: training, gradients: gradients,
               normalizer: batch.batchSize, klDimensionMeans: nil, rng: &rng)
    }

    /// Everything after the encoder's forward pass: z, the decoder, the loss and (if `gradients`)
    /// the whole backward pass.
    ///
    /// - Parameters:
    ///   - normalizer: the batch size losses and gradients are averaged over — the whole batch's
    ///     when `batch` is one slice of it (``DataParallelCharacterVAE``), so slices add up.
    ///   - klDimensionMeans: the whole batch's per-dimension KL means (free bits decide on them);
    ///     nil when this slice is the whole batch.
    func finish(_ batch: TokenBatch, encoded enc: EncoderPass, objective: ObjectiveSettings, training: Bool,
                gradients: Bool, normalizer: Int, klDimensionMeans: [Double]?, rng: inout RandomGenerator) -> Outcome {
        let B = batch.batchSize, T = batch.time
        let scale = 1 / Float(normalizer)
        let (z, eps) = Gaussian.reparameterize(mean: enc.mean, logVariance: enc.logVariance, rng: &rng)
        let dec = decodeForward(batch, ids: enc.ids, z: z, training: training, rng: &rng)
        let logits = output.forward(dec.hidden)  // [B·T, V]
        var mask: [Float]? = nil
        if batch.lengths.contains(where: { $0 < T }) {
            var m = [Float](repeating: 0, count: B * T)
            for b in 0..<B { for t in 0..<batch.lengths[b] { m[b * T + t] = 1 } }
            mask = m
        }
        // Padded targets are masked, so any valid id will do for them (the ids are 0 there).
        let ce = softmaxCrossEntropy(logits: logits, targets: enc.ids, mask: mask, time: T, gradientScale: scale)
        let kl = KLTerm(mean: enc.mean, logVariance: enc.logVariance, freeBits: objective.freeBits,
                        gradientScale: gradients ? objective.beta * scale : nil, batchDimensionMeans: klDimensionMeans)
        let meanRec = ce.total / Double(normalizer)
        let meanKL = kl.perRow.reduce(0, +) / Double(normalizer)
        let metrics = StepMetrics(loss: meanRec + Double(objective.beta) * kl.lossTerm, reconstruction: meanRec,
                                  kl: meanKL, tokens: batch.lengths.reduce(0, +), sentences: B)
        if gradients {
            let dHidden = output.backward(input: dec.hidden, gradOutput: logits)!  // logits hold dL/dlogits
            let dz = decodeBackward(dec, batch: batch, gradHidden: dHidden)
            let (dMean, dLogVariance) = Gaussian.reparameterizeBackward(gradZ: dz, epsilon: eps, logVariance: enc.logVariance)
            dMean.add(kl.gradMean!)
            dLogVariance.add(kl.gradLogVariance!)
            encodeBackward(enc, batch: batch, gradMean: dMean, gradLogVariance: dLogVariance)
        }
        return Outcome(metrics: metrics, reconstruction: ce.perSequence.map(Double.init), kl: kl, encoded: enc)
    }
}
