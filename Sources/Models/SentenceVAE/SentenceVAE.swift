import Foundation
import NeuralCore
import Support

/// The sentence VAE of Bowman et al. 2016, "Generating Sentences from a Continuous Space".
///
/// - Encoder: embedding `[B, T, E]` → LSTM/GRU (optionally bidirectional, stacked) → summary =
///   final hidden state of the last layer (both directions concatenated) `[B, S]` → optional
///   dense + ELU → μ, log σ² `[B, Z]`.
/// - z = μ + σ ⊙ ε (reparameterisation).
/// - Decoder (teacher forcing): input `<bos> + tokens` (word dropout replaces tokens by `<unk>`),
///   embedded `[B, T+1, E]` (plus z at every step if `latentAtEveryStep`), initial state from z
///   if `latentToInitialState`; target `tokens + <eos>`; output projection to V logits.
///
/// **z → initial state**: one `Linear(Z → layers · H)` (`· 2` for LSTMs: h0 then c0 per layer),
/// *without* tanh — as timbmg/Sentence-VAE's `latent2hidden` and the PyTorch benchmark peer. An
/// identity map keeps the decoder's sensitivity to z from saturating while β is small; LSTM
/// h0 need not be bounded like later h_t (the gates bound everything after step 1).
///
/// The output projection is applied only to real decoder steps (t ≤ length): their hidden
/// states are packed into `[N, H]` (N = tokens + one `<eos>` per sentence) before the GEMM and
/// the fused softmax cross-entropy, so padding costs nothing in the largest computation.
public final class SentenceVAE: Module, @unchecked Sendable {
    public let configuration: SentenceVAEConfiguration
    public let embedding: Embedding
    let encoder: RecurrentNetwork
    public let encoderDense: Linear?
    public let toMean: Linear
    public let toLogVariance: Linear
    public let latentToState: Linear?
    let decoder: RecurrentNetwork
    public let output: Linear

    /// - Parameter embeddings: an optional initial `[V, E]` matrix (e.g. GloVe); random
    ///   normal(0, 1) otherwise, with the `<pad>` row zero. `<pad>` never receives gradient.
    public init(configuration: SentenceVAEConfiguration, embeddings: Tensor? = nil, rng: inout RandomGenerator) {
        configuration.validate()
        let c = configuration
        self.configuration = c
        if let embeddings {
            precondition(
                embeddings.shape == [c.vocabularySize, c.embeddingDimension],
                "SentenceVAE: embeddings \(embeddings.shape), expected [\(c.vocabularySize), \(c.embeddingDimension)].")
            embedding = Embedding(
                weights: embeddings, trainable: !c.freezeEmbeddings, paddingIndex: SpecialToken.padding.index,
                sparseGradient: !c.outputTied)
        } else if c.outputTied {
            embedding = Embedding(
                weights: Self.tiedTable(c, rng: &rng), paddingIndex: SpecialToken.padding.index,
                sparseGradient: false)
        } else {
            embedding = Embedding(
                vocabularySize: c.vocabularySize, dimension: c.embeddingDimension,
                trainable: !c.freezeEmbeddings, paddingIndex: SpecialToken.padding.index, rng: &rng)
        }
        encoder = RecurrentNetwork(
            kind: c.encoderCell, inputSize: c.embeddingDimension, hiddenSize: c.encoderHidden,
            layers: c.encoderLayers, bidirectional: c.bidirectional, rng: &rng)
        encoderDense = c.encoderDense.map { Linear(c.summaryWidth, $0, rng: &rng) }
        let statsInput = c.encoderDense ?? c.summaryWidth
        toMean = Linear(statsInput, c.latent, rng: &rng)
        toLogVariance = Linear(statsInput, c.latent, rng: &rng)
        let stateWidth = c.decoderLayers * c.decoderHidden * (c.decoderCell == .lstm ? 2 : 1)
        latentToState = c.latentToInitialState ? Linear(c.latent, stateWidth, rng: &rng) : nil
        decoder = RecurrentNetwork(
            kind: c.decoderCell, inputSize: c.decoderInputWidth, hiddenSize: c.decoderHidden,
            layers: c.decoderLayers, bidirectional: false, rng: &rng)
        output =
            c.outputTied
            ? Linear(sharing: embedding.weight, rng: &rng) : Linear(c.decoderHidden, c.vocabularySize, rng: &rng)
    }

    /// The shared table's start: an output layer's scale, uniform(±1/√E), not an embedding's
    /// normal(0, 1), whose logits would start in the tens. The `<pad>` row starts at zero.
    static func tiedTable(_ c: SentenceVAEConfiguration, rng: inout RandomGenerator) -> Tensor {
        let bound = 1 / Float(c.embeddingDimension).squareRoot()
        let table = Tensor.uniform([c.vocabularySize, c.embeddingDimension], low: -bound, high: bound, rng: &rng)
        (table.data + SpecialToken.padding.index * c.embeddingDimension).update(
            repeating: 0, count: c.embeddingDimension)
        return table
    }

    /// PyTorch-style names: `embedding.weight`, `encoder.weight_ih_l0`, `encoder_dense.weight`,
    /// `to_mean.weight`, `to_log_variance.weight`, `latent_to_state.weight`, `decoder.weight_ih_l0`,
    /// `output.weight` (and biases). The frozen embedding is listed too (checkpoints); optimisers
    /// and clipping skip it. A tied output layer lists only `output.bias`: its weight is
    /// `embedding.weight`.
    public var namedParameters: [NamedParameter] {
        var all = embedding.parameters(prefix: "embedding")
        all += encoder.namedParameters.map { NamedParameter("encoder." + $0.name, $0.parameter) }
        if let d = encoderDense { all += d.parameters(prefix: "encoder_dense") }
        all += toMean.parameters(prefix: "to_mean") + toLogVariance.parameters(prefix: "to_log_variance")
        if let l = latentToState { all += l.parameters(prefix: "latent_to_state") }
        all += decoder.namedParameters.map { NamedParameter("decoder." + $0.name, $0.parameter) }
        all += output.parameters(prefix: "output")
        return all
    }

    // MARK: Public entry points

    /// Forward + backward on one batch with teacher forcing; **accumulates** gradients (the
    /// caller zeroes, clips and steps). Dropouts are active; ε, word dropout and dropout masks
    /// are drawn from `rng` in a fixed order.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    {
        run(batch, objective: objective, training: true, gradients: true, rng: &rng).metrics
    }

    /// No gradients and no dropout: per-sentence reconstruction NLL with one z ~ q(z|x) (the
    /// single-sample ELBO's terms), per-sentence KL, and the posterior parameters.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        let r = run(batch, objective: ObjectiveSettings(beta: 1), training: false, gradients: false, rng: &rng)
        return EvaluationResult(
            perSentenceReconstruction: r.reconstruction, perSentenceKL: r.kl.perRow,
            tokens: batch.targetCount, means: r.mean, logVariances: r.logVariance)
    }

    /// The posterior parameters μ, log σ² `[B, Z]` (no dropout).
    public func encode(_ batch: TokenBatch) -> (mean: Tensor, logVariance: Tensor) {
        var unused = RandomGenerator(seed: 0)
        let e = encodeForward(batch, training: false, rng: &unused)
        return (e.mean, e.logVariance)
    }

    // MARK: Encoder

    public struct EncoderPass {
        var ids: [Int]
        var embeddedMask: Tensor?
        var cache: RecurrentNetwork.Cache
        var summary: Tensor  // [B, S]
        var dense: Tensor?  // ELU output [B, D]
        var statsInput: Tensor  // dense ?? summary
        var mean: Tensor, logVariance: Tensor
    }

    func encodeForward(_ batch: TokenBatch, training: Bool, rng: inout RandomGenerator) -> EncoderPass {
        let c = configuration, B = batch.batchSize, T = batch.time
        let ids = batch.ids.map { Int($0) }
        var x = embedding.forward(ids, shape: [B, T])
        let drop = Dropout(rate: c.embeddingDropout).forward(x, training: training, rng: &rng)
        x = drop.output
        let enc = encoder.forward(x, lengths: batch.lengths, initialStates: nil)
        let last = (encoder.layerCount - 1) * encoder.directionCount
        let summary =
            encoder.directionCount == 1
            ? enc.finalStates[last].h
            : Tensor.concatenateLast((0..<encoder.directionCount).map { enc.finalStates[last + $0].h })
        var statsInput = summary, dense: Tensor? = nil
        if let d = encoderDense {
            let y = d.forward(summary)
            Activation.elu.apply(inPlace: y)
            dense = y
            statsInput = y
        }
        return EncoderPass(
            ids: ids, embeddedMask: drop.mask, cache: enc.cache, summary: summary, dense: dense,
            statsInput: statsInput, mean: toMean.forward(statsInput), logVariance: toLogVariance.forward(statsInput))
    }

    /// Back-propagates dμ, d log σ² through the encoder (accumulating parameter gradients).
    func encodeBackward(_ e: EncoderPass, batch: TokenBatch, gradMean: Tensor, gradLogVariance: Tensor) {
        let dStats = toMean.backward(input: e.statsInput, gradOutput: gradMean)!
        dStats.add(toLogVariance.backward(input: e.statsInput, gradOutput: gradLogVariance)!)
        var dSummary = dStats
        if let d = encoderDense, let y = e.dense {
            let dPre = Activation.elu.backward(output: y, gradOutput: dStats)
            dSummary = d.backward(input: e.summary, gradOutput: dPre)!
        }
        let D = encoder.directionCount, L = encoder.layerCount
        var gradFinal = [RNNState?](repeating: nil, count: L * D)
        let halves = D == 1 ? [dSummary] : dSummary.splitLast([Int](repeating: configuration.encoderHidden, count: D))
        for d in 0..<D { gradFinal[(L - 1) * D + d] = RNNState(h: halves[d]) }
        let dx = encoder.backward(e.cache, gradOutput: nil, gradFinalStates: gradFinal).gradInput
        guard embedding.weight.isTrainable else { return }
        let dEmb = Dropout(rate: configuration.embeddingDropout).backward(mask: e.embeddedMask, gradOutput: dx)
        embedding.backward(ids: e.ids, gradOutput: dEmb)
    }

    // MARK: Decoder (teacher forcing)

    struct DecoderPass {
        var inputIds: [Int]  // [B, T+1]
        var embeddedMask: Tensor?
        var cache: RecurrentNetwork.Cache
        var initialStatePre: Tensor?  // latent_to_state output [B, stateWidth]
        var packed: Tensor  // [N, H] hidden states of the real steps (after output dropout)
        var outputMask: Tensor?  // the output dropout's scaled mask, [N, H]
        var rows: [Int]  // packed row → b·(T+1) + t
        var targets: [Int]  // [N]
        var rowSentence: [Int]  // [N]
    }

    /// The decoder's initial states from z: `[B, layers · H (· 2)]` → one RNNState per layer.
    func initialStates(from pre: Tensor) -> [RNNState] {
        let H = configuration.decoderHidden, L = configuration.decoderLayers
        let lstm = decoder.hasCellState
        let parts = pre.splitLast([Int](repeating: H, count: L * (lstm ? 2 : 1)))
        return (0..<L).map { k in lstm ? RNNState(h: parts[2 * k], c: parts[2 * k + 1]) : RNNState(h: parts[k]) }
    }

    /// Decoder input with z appended at every step: `[B, T', E]` + `[B, Z]` → `[B, T', E + Z]`.
    func appendLatent(_ x: Tensor, _ z: Tensor) -> Tensor {
        let B = x.shape[0], T = x.shape[1], E = x.shape[2], Z = z.lastDimension
        let out = Tensor(uninitialized: [B, T, E + Z])
        let o = out.data, xp = x.data, zp = z.data
        for b in 0..<B {
            for t in 0..<T {
                let row = o + (b * T + t) * (E + Z)
                row.update(from: xp + (b * T + t) * E, count: E)
                (row + E).update(from: zp + b * Z, count: Z)
            }
        }
        return out
    }

    func decodeForward(_ batch: TokenBatch, z: Tensor, training: Bool, rng: inout RandomGenerator) -> DecoderPass {
        let c = configuration, B = batch.batchSize, T = batch.time, TD = T + 1
        // <bos> + tokens, word dropout on the tokens only (drawn for real tokens only, so the
        // draws do not depend on the padded width).
        var inputIds = [Int](repeating: SpecialToken.padding.index, count: B * TD)
        let dropWords = training && c.wordDropout > 0
        for b in 0..<B {
            inputIds[b * TD] = SpecialToken.begin.index
            for t in 0..<batch.lengths[b] {
                var id = Int(batch.ids[b * T + t])
                if dropWords && rng.nextUniform() < c.wordDropout { id = SpecialToken.unknown.index }
                inputIds[b * TD + t + 1] = id
            }
        }
        var x = embedding.forward(inputIds, shape: [B, TD])
        let drop = Dropout(rate: c.embeddingDropout).forward(x, training: training, rng: &rng)
        x = drop.output
        if c.latentAtEveryStep { x = appendLatent(x, z) }
        let lengths = batch.lengths.map { $0 + 1 }
        var pre: Tensor? = nil
        var states: [RNNState]? = nil
        if let l = latentToState {
            let p = l.forward(z)
            pre = p
            states = initialStates(from: p)
        }
        let dec = decoder.forward(x, lengths: lengths, initialStates: states)
        // Pack the real steps: N = Σ (length + 1).
        let H = c.decoderHidden
        let N = lengths.reduce(0, +)
        let packed = Tensor(uninitialized: [N, H])
        var rows = [Int](), targets = [Int](), rowSentence = [Int]()
        rows.reserveCapacity(N); targets.reserveCapacity(N); rowSentence.reserveCapacity(N)
        let src = dec.output.data, dst = packed.data
        for b in 0..<B {
            for t in 0..<lengths[b] {
                (dst + rows.count * H).update(from: src + (b * TD + t) * H, count: H)
                rows.append(b * TD + t)
                targets.append(t < batch.lengths[b] ? Int(batch.ids[b * T + t]) : SpecialToken.end.index)
                rowSentence.append(b)
            }
        }
        let outputDrop = Dropout(rate: c.outputDropout ?? 0).forward(packed, training: training, rng: &rng)
        return DecoderPass(
            inputIds: inputIds, embeddedMask: drop.mask, cache: dec.cache, initialStatePre: pre,
            packed: outputDrop.output, outputMask: outputDrop.mask, rows: rows, targets: targets,
            rowSentence: rowSentence)
    }

    /// Given dL/d(packed hidden states) `[N, H]`, back-propagates through the decoder and returns dL/dz.
    func decodeBackward(_ d: DecoderPass, batch: TokenBatch, z: Tensor, gradPacked: Tensor) -> Tensor {
        let c = configuration, B = batch.batchSize, TD = batch.time + 1, H = c.decoderHidden, Z = c.latent
        let dOut = Tensor(zeros: [B, TD, H])
        let dPacked = Dropout(rate: c.outputDropout ?? 0).backward(mask: d.outputMask, gradOutput: gradPacked)
        let g = dPacked.data, o = dOut.data
        for (i, row) in d.rows.enumerated() { (o + row * H).update(from: g + i * H, count: H) }
        let back = decoder.backward(d.cache, gradOutput: dOut, gradFinalStates: nil)
        let dz = Tensor(zeros: [B, Z])
        if let l = latentToState {
            let lstm = decoder.hasCellState
            let parts = back.gradInitialStates.flatMap { lstm ? [$0.h, $0.c ?? Tensor(zeros: $0.h.shape)] : [$0.h] }
            let dPre = Tensor.concatenateLast(parts)
            dz.add(l.backward(input: z, gradOutput: dPre)!)
        }
        var dEmb = back.gradInput
        if c.latentAtEveryStep {
            let E = c.embeddingDimension, W = E + Z
            let dx = back.gradInput.data, zp = dz.data
            let needEmbedding = embedding.weight.isTrainable
            let e = Tensor(uninitialized: needEmbedding ? [B, TD, E] : [0])
            for b in 0..<B {
                for t in 0..<TD {
                    let row = dx + (b * TD + t) * W
                    for j in 0..<Z { zp[b * Z + j] += row[E + j] }
                    if needEmbedding { (e.data + (b * TD + t) * E).update(from: row, count: E) }
                }
            }
            dEmb = e
        }
        if embedding.weight.isTrainable {
            let dx = Dropout(rate: c.embeddingDropout).backward(mask: d.embeddedMask, gradOutput: dEmb)
            embedding.backward(ids: d.inputIds, gradOutput: dx)
        }
        return dz
    }

    // MARK: The whole step

    struct Outcome {
        var metrics: StepMetrics
        var reconstruction: [Double]
        var kl: KLTerm
        var mean: Tensor, logVariance: Tensor
    }

    func run(
        _ batch: TokenBatch, objective: ObjectiveSettings, training: Bool, gradients: Bool,
        rng: inout RandomGenerator
    ) -> Outcome {
        let enc = encodeForward(batch, training: training, rng: &rng)
        return finish(
            batch, encoded: enc, objective: objective, training: training, gradients: gradients,
            normalizer: batch.batchSize, klDimensionMeans: nil, rng: &rng)
    }

    /// Everything after the encoder's forward pass: z, the decoder, the loss and (if `gradients`)
    /// the whole backward pass.
    ///
    /// Data-parallel training runs this on slices of a batch (``DataParallel``), so the
    /// per-batch quantities come from outside: `normalizer` is the whole batch's size (losses
    /// and gradients are sums over this slice divided by it, so slices add up to the batch mean)
    /// and `klDimensionMeans` the whole batch's per-dimension KL means, which decide the free-bits
    /// floor (nil: this slice is the whole batch). The metrics are this slice's share.
    func finish(
        _ batch: TokenBatch, encoded enc: EncoderPass, objective: ObjectiveSettings, training: Bool,
        gradients: Bool, normalizer: Int, klDimensionMeans: [Double]?, rng: inout RandomGenerator
    ) -> Outcome {
        let B = batch.batchSize
        let scale = 1 / Float(normalizer)
        let (z, eps) = Gaussian.reparameterize(mean: enc.mean, logVariance: enc.logVariance, rng: &rng)
        let dec = decodeForward(batch, z: z, training: training, rng: &rng)
        let logits = output.forward(dec.packed)
        var reconstruction = [Double](repeating: 0, count: B)
        let totalReconstruction: Double
        if gradients {
            let ce = softmaxCrossEntropy(logits: logits, targets: dec.targets, gradientScale: scale)
            for (i, b) in dec.rowSentence.enumerated() { reconstruction[b] += Double(ce.perSequence[i]) }
            totalReconstruction = ce.total
        } else {
            // Only the losses are needed: the loss-only kernel leaves the logits be.
            let losses = softmaxNegativeLogLikelihood(logits: logits, targets: dec.targets)
            for (i, b) in dec.rowSentence.enumerated() { reconstruction[b] += losses[i] }
            totalReconstruction = losses.reduce(0, +)
        }
        let kl = KLTerm(
            mean: enc.mean, logVariance: enc.logVariance, freeBits: objective.freeBits,
            gradientScale: gradients ? objective.beta * scale : nil, batchDimensionMeans: klDimensionMeans)
        let meanRec = totalReconstruction / Double(normalizer)
        let meanKL = kl.perRow.reduce(0, +) / Double(normalizer)
        let metrics = StepMetrics(
            loss: meanRec + Double(objective.beta) * kl.lossTerm, reconstruction: meanRec,
            kl: meanKL, tokens: dec.targets.count, sentences: B)
        if gradients {
            let dPacked = output.backward(input: dec.packed, gradOutput: logits)!  // logits hold dL/dlogits
            if configuration.outputTied { keepPaddingRowAtZero() }
            let dz = decodeBackward(dec, batch: batch, z: z, gradPacked: dPacked)
            let (dMean, dLogVariance) = Gaussian.reparameterizeBackward(
                gradZ: dz, epsilon: eps, logVariance: enc.logVariance)
            dMean.add(kl.gradMean!)
            dLogVariance.add(kl.gradLogVariance!)
            encodeBackward(enc, batch: batch, gradMean: dMean, gradLogVariance: dLogVariance)
        }
        return Outcome(
            metrics: metrics, reconstruction: reconstruction, kl: kl, mean: enc.mean, logVariance: enc.logVariance)
    }

    /// `<pad>` is never a target, so the output layer pushes its score down through the
    /// gradient of its row; tied to the embedding, that row would stop being the zero vector
    /// padding reads. Its score is pushed down through the bias instead.
    private func keepPaddingRowAtZero() {
        let E = configuration.embeddingDimension
        (embedding.weight.gradient.data + SpecialToken.padding.index * E).update(repeating: 0, count: E)
    }
}
