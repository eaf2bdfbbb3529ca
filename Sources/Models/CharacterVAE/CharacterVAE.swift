import Foundation
import NeuralCore
import Support

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
/// Both LSTMs run as ``SymbolLSTM``: their input projections are per-symbol table rows (plus z's
/// projection once per sequence) instead of GEMMs over every position — the same arithmetic.
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
    /// z → [h0, c0] of the decoder, when the configuration starts the decoder from z.
    public let latentToState: Linear?

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
        latentToState = c.startsFromLatent ? Linear(c.latent, 2 * c.decoderHidden, rng: &rng) : nil
    }

    /// The PyTorch reference's names (`nn.LSTM` layers carry the `_l0` suffix).
    public var namedParameters: [NamedParameter] {
        let lstm = { (prefix: String, layer: LSTMLayer) in
            layer.namedParameters.map { NamedParameter("\(prefix).\($0.name)_l0", $0.parameter) }
        }
        return embedding.parameters(prefix: "emb") + lstm("enc", encoder) + toMean.parameters(prefix: "mu")
            + toLogVariance.parameters(prefix: "logvar") + lstm("dec", decoder) + output.parameters(prefix: "out")
            + (latentToState?.parameters(prefix: "z2h") ?? [])
    }

    // MARK: Public entry points

    /// Forward + backward on one batch with teacher forcing; **accumulates** gradients (the
    /// caller zeroes, clips and steps). ε, then the character-dropout draws, come from `rng`.
    /// `reconstruction` and `kl` are per sequence, averaged over the batch; tokens are Σ lengths.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    {
        run(batch, objective: objective, training: true, gradients: true, rng: &rng).metrics
    }

    /// No gradients and no character dropout: per-sequence reconstruction NLL with one
    /// z ~ q(z|x), per-sequence KL, and the posterior parameters. `tokens` is Σ lengths (there is
    /// no end symbol), so the negative ELBO per character is Σ (reconstruction + KL) / tokens.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        let r = run(batch, objective: ObjectiveSettings(beta: 1), training: false, gradients: false, rng: &rng)
        return EvaluationResult(
            perSentenceReconstruction: r.reconstruction, perSentenceKL: r.kl.perRow,
            tokens: batch.lengths.reduce(0, +), means: r.encoded.mean, logVariances: r.encoded.logVariance)
    }

    /// The posterior parameters μ, log σ² `[B, Z]`.
    public func encode(_ batch: TokenBatch) -> (mean: Tensor, logVariance: Tensor) {
        let e = encodeForward(batch)
        return (e.mean, e.logVariance)
    }

    // MARK: Encoder

    public struct EncoderPass {
        var ids: [Int]  // [B·T], batch-major
        var pass: SymbolLSTM.Pass
        var summary: Tensor  // [B, He]: the state after each sequence's last character
        var mean: Tensor, logVariance: Tensor
    }

    /// `[V, 4H]` per-symbol gate inputs of `layer` (see ``SymbolInputs/table(_:symbolWeights:)``).
    func symbolTable(_ layer: LSTMLayer, symbolWeights: Tensor) -> Tensor {
        SymbolInputs(embedding: embedding, vocabularySize: configuration.vocabularySize).table(
            layer, symbolWeights: symbolWeights)
    }

    /// Columns `range` of `weight_ih` `[4H, I]` as a contiguous `[4H, range.count]` tensor.
    static func columns(_ w: Tensor, _ range: Range<Int>) -> Tensor {
        let rows = w.rowCount, width = w.lastDimension
        let out = Tensor(uninitialized: [rows, range.count])
        for r in 0..<rows {
            (out.data + r * range.count).update(from: w.data + r * width + range.lowerBound, count: range.count)
        }
        return out
    }

    func encodeForward(_ batch: TokenBatch) -> EncoderPass {
        let c = configuration, B = batch.batchSize, T = batch.time, G = 4 * c.encoderHidden
        let ids = batch.ids.map { id -> Int in
            precondition(
                id >= 0 && Int(id) < c.vocabularySize, "CharacterVAE: symbol \(id) outside 0..<\(c.vocabularySize).")
            return Int(id)
        }
        let table = symbolTable(encoder, symbolWeights: encoder.weightIH.value)
        let gates = Tensor(uninitialized: [T * B, G])
        for t in 0..<T {
            for b in 0..<B { (gates.data + (t * B + b) * G).update(from: table.data + ids[b * T + t] * G, count: G) }
        }
        let pass = SymbolLSTM(layer: encoder).forward(inputGates: gates, lengths: batch.lengths, batch: B, time: T)
        let summary = pass.finalState
        return EncoderPass(
            ids: ids, pass: pass, summary: summary, mean: toMean.forward(summary),
            logVariance: toLogVariance.forward(summary))
    }

    /// Back-propagates dμ, d log σ² through the encoder (accumulating parameter gradients).
    func encodeBackward(_ e: EncoderPass, batch: TokenBatch, gradMean: Tensor, gradLogVariance: Tensor) {
        let dSummary = toMean.backward(input: e.summary, gradOutput: gradMean)!
        dSummary.add(toLogVariance.backward(input: e.summary, gradOutput: gradLogVariance)!)
        let dG = SymbolLSTM(layer: encoder).backward(e.pass, gradOutput: nil, gradFinalState: dSummary)
        let perSymbol = gradientPerSymbol(dG, ids: e.ids, batch: batch)
        Tensor.gemm(perSymbol.sums, transposeA: true, embedding.weight.value, into: encoder.weightIH.gradient, beta: 1)
        accumulateEmbeddingGradient(perSymbol, symbolWeights: encoder.weightIH.value)
    }

    func gradientPerSymbol(_ dG: Tensor, ids: [Int], batch: TokenBatch) -> (sums: Tensor, present: [Bool]) {
        SymbolInputs(embedding: embedding, vocabularySize: configuration.vocabularySize).gradientPerSymbol(
            dG, ids: ids, batch: batch)
    }

    func accumulateEmbeddingGradient(_ perSymbol: (sums: Tensor, present: [Bool]), symbolWeights: Tensor) {
        SymbolInputs(embedding: embedding, vocabularySize: configuration.vocabularySize)
            .accumulateEmbeddingGradient(perSymbol, symbolWeights: symbolWeights)
    }

    // MARK: Decoder (teacher forcing)

    struct DecoderPass {
        var inputIds: [Int]  // [B·T]: the batch shifted right (after character dropout)
        var pass: SymbolLSTM.Pass
        /// `[T·B, Hd]` time-major decoder outputs (carried states on padded rows).
        var hidden: Tensor
    }

    /// The decoder's initial state from z (h0, c0 `[B, Hd]`), when it starts from z.
    func initialState(from z: Tensor) -> (h: Tensor, c: Tensor)? {
        guard let latentToState else { return nil }
        let parts = latentToState.forward(z).splitLast([configuration.decoderHidden, configuration.decoderHidden])
        return (parts[0], parts[1])
    }

    /// Decoder input `[B, T, E (+ Z)]`: each row is [embed(id), z_b] (step-wise decoding).
    func decoderInput(ids: [Int], z: Tensor, batch B: Int, time T: Int) -> Tensor {
        let every = configuration.feedsLatentAtEveryStep
        let E = configuration.embeddingDimension, Z = every ? configuration.latent : 0, W = E + Z
        let x = Tensor(uninitialized: [B, T, W])
        let table = embedding.weight.value.data, xp = x.data, zp = z.data
        for b in 0..<B {
            for t in 0..<T {
                let row = xp + (b * T + t) * W
                row.update(from: table + ids[b * T + t] * E, count: E)
                if every { (row + E).update(from: zp + b * Z, count: Z) }
            }
        }
        return x
    }

    func decodeForward(_ batch: TokenBatch, ids: [Int], z: Tensor, training: Bool, rng: inout RandomGenerator)
        -> DecoderPass
    {
        let c = configuration, B = batch.batchSize, T = batch.time, E = c.embeddingDimension, G = 4 * c.decoderHidden
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
        if training, let ratio = c.teacherForcing, ratio < 1 {
            freeRunningInputs(&inputIds, batch: batch, z: z, ratio: ratio, rng: &rng)
        }
        // Gate inputs: the symbol's row of the table plus z's projection, one per sequence.
        let w = decoder.weightIH.value
        let table = symbolTable(decoder, symbolWeights: Self.columns(w, 0..<E))
        let gates = Tensor(uninitialized: [T * B, G])
        if c.feedsLatentAtEveryStep {
            let fromZ = Tensor(uninitialized: [B, G])
            Tensor.gemm(z, Self.columns(w, E..<(E + c.latent)), transposeB: true, into: fromZ)
            for t in 0..<T {
                for b in 0..<B {
                    let dst = gates.data + (t * B + b) * G, sym = table.data + inputIds[b * T + t] * G,
                        zr = fromZ.data + b * G
                    var j = 0
                    while j + 8 <= G {
                        VRNNKernels.store(VRNNKernels.load(sym + j) + VRNNKernels.load(zr + j), dst + j); j += 8
                    }
                    for j in j..<G { dst[j] = sym[j] + zr[j] }
                }
            }
        } else {
            for t in 0..<T {
                for b in 0..<B {
                    (gates.data + (t * B + b) * G).update(from: table.data + inputIds[b * T + t] * G, count: G)
                }
            }
        }
        let pass = SymbolLSTM(layer: decoder).forward(
            inputGates: gates, lengths: batch.lengths, batch: B, time: T,
            initial: initialState(from: z))
        return DecoderPass(inputIds: inputIds, pass: pass, hidden: pass.outputs)
    }

    /// Teacher forcing below 1: runs the decoder one step at a time (no gradient) and, at each
    /// step t ≥ 1 of each sequence, keeps the true previous character with probability `ratio`
    /// or replaces it by the model's own greedy choice at step t − 1, given the inputs chosen so
    /// far. The coins are drawn from `rng` step by step, sequence by sequence, after ε and the
    /// character dropout: fixed by the step's generator, so resumed runs draw the same ones.
    /// The chosen inputs are then constants of the fast teacher-forced pass (the choice has no
    /// gradient), which recomputes the same states.
    func freeRunningInputs(
        _ inputIds: inout [Int], batch: TokenBatch, z: Tensor, ratio: Float, rng: inout RandomGenerator
    ) {
        let B = batch.batchSize, T = batch.time
        var state: RNNState? = nil
        for t in 0..<(T - 1) {
            let previous = (0..<B).map { inputIds[$0 * T + t] }
            let step = decoderStep(previous: previous, latents: z, state: state)
            state = step.state
            for b in 0..<B where t + 1 < batch.lengths[b] {
                if rng.nextUniform() >= ratio {
                    inputIds[b * T + t + 1] = TokenChooser.argmax(step.logProbabilities[b])
                }
            }
        }
    }

    /// Given dL/d(decoder outputs) `[T·B, Hd]` (time-major, zero on padded rows), back-propagates
    /// through the decoder and the embedding; returns dL/dz `[B, Z]`.
    func decodeBackward(_ d: DecoderPass, batch: TokenBatch, z: Tensor, gradHidden: Tensor) -> Tensor {
        let c = configuration, B = batch.batchSize, E = c.embeddingDimension, Z = c.latent, G = 4 * c.decoderHidden
        let back = SymbolLSTM(layer: decoder).backwardToInitialState(
            d.pass, gradOutput: gradHidden, gradFinalState: nil)
        let dG = back.gates
        // dL/dz through the initial state, when the decoder starts from z.
        let dzFromState = latentToState.map {
            $0.backward(input: z, gradOutput: Tensor.concatenateLast([back.h, back.c]))!
        }
        guard c.feedsLatentAtEveryStep else {
            let perSymbol = gradientPerSymbol(dG, ids: d.inputIds, batch: batch)
            Tensor.gemm(
                perSymbol.sums, transposeA: true, embedding.weight.value, into: decoder.weightIH.gradient, beta: 1)
            accumulateEmbeddingGradient(perSymbol, symbolWeights: decoder.weightIH.value)
            return dzFromState!
        }
        // The symbol half of weight_ih and the embedding: per-symbol sums.
        let perSymbol = gradientPerSymbol(dG, ids: d.inputIds, batch: batch)
        let gradSymbol = Tensor(zeros: [G, E])
        Tensor.gemm(perSymbol.sums, transposeA: true, embedding.weight.value, into: gradSymbol)
        // The z half: z is the same at every step, so per-sequence sums of the gate gradients.
        let perSequence = Tensor(zeros: [B, G])
        let sp = perSequence.data, gp = dG.data
        for t in 0..<batch.time {
            for b in 0..<B where t < batch.lengths[b] {
                let dst = sp + b * G, src = gp + (t * B + b) * G
                var j = 0
                while j + 8 <= G {
                    VRNNKernels.store(VRNNKernels.load(dst + j) + VRNNKernels.load(src + j), dst + j); j += 8
                }
                for j in j..<G { dst[j] += src[j] }
            }
        }
        let gradLatent = Tensor(zeros: [G, Z])
        Tensor.gemm(perSequence, transposeA: true, z, into: gradLatent)
        let wg = decoder.weightIH.gradient.data, W = E + Z
        for r in 0..<G {
            let row = wg + r * W, a = gradSymbol.data + r * E, l = gradLatent.data + r * Z
            for j in 0..<E { row[j] += a[j] }
            for j in 0..<Z { row[E + j] += l[j] }
        }
        let w = decoder.weightIH.value
        accumulateEmbeddingGradient(perSymbol, symbolWeights: Self.columns(w, 0..<E))
        let dz = Tensor(uninitialized: [B, Z])
        Tensor.gemm(perSequence, Self.columns(w, E..<W), into: dz)
        if let dzFromState { dz.add(dzFromState) }
        return dz
    }

    // MARK: The whole step

    struct Outcome {
        var metrics: StepMetrics
        var reconstruction: [Double]
        var kl: KLTerm
        var encoded: EncoderPass
    }

    func run(
        _ batch: TokenBatch, objective: ObjectiveSettings, training: Bool, gradients: Bool,
        rng: inout RandomGenerator
    ) -> Outcome {
        finish(
            batch, encoded: encodeForward(batch), objective: objective, training: training, gradients: gradients,
            normalizer: batch.batchSize, klDimensionMeans: nil, rng: &rng)
    }

    /// Everything after the encoder's forward pass: z, the decoder, the loss and (if `gradients`)
    /// the whole backward pass.
    ///
    /// - Parameters:
    ///   - normalizer: the batch size losses and gradients are averaged over — the whole batch's
    ///     when `batch` is one slice of it (``DataParallel``), so slices add up.
    ///   - klDimensionMeans: the whole batch's per-dimension KL means (free bits decide on them);
    ///     nil when this slice is the whole batch.
    func finish(
        _ batch: TokenBatch, encoded enc: EncoderPass, objective: ObjectiveSettings, training: Bool,
        gradients: Bool, normalizer: Int, klDimensionMeans: [Double]?, rng: inout RandomGenerator
    ) -> Outcome {
        let B = batch.batchSize, T = batch.time
        let scale = 1 / Float(normalizer)
        let (z, eps) = Gaussian.reparameterize(mean: enc.mean, logVariance: enc.logVariance, rng: &rng)
        let dec = decodeForward(batch, ids: enc.ids, z: z, training: training, rng: &rng)
        let logits = output.forward(dec.hidden)  // [T·B, V], time-major
        // Targets and mask in the same order; padded targets are masked (their id does not matter).
        var targets = [Int](repeating: 0, count: T * B)
        var mask: [Float]? = nil
        for b in 0..<B { for t in 0..<T { targets[t * B + b] = enc.ids[b * T + t] } }
        if batch.lengths.contains(where: { $0 < T }) {
            var m = [Float](repeating: 0, count: T * B)
            for b in 0..<B { for t in 0..<batch.lengths[b] { m[t * B + b] = 1 } }
            mask = m
        }
        let ce = softmaxCrossEntropy(logits: logits, targets: targets, mask: mask, gradientScale: scale)
        var reconstruction = [Double](repeating: 0, count: B)
        for (r, loss) in ce.perSequence.enumerated() { reconstruction[r % B] += Double(loss) }
        let kl = KLTerm(
            mean: enc.mean, logVariance: enc.logVariance, freeBits: objective.freeBits,
            gradientScale: gradients ? objective.beta * scale : nil, batchDimensionMeans: klDimensionMeans)
        let meanRec = ce.total / Double(normalizer)
        let meanKL = kl.perRow.reduce(0, +) / Double(normalizer)
        let metrics = StepMetrics(
            loss: meanRec + Double(objective.beta) * kl.lossTerm, reconstruction: meanRec,
            kl: meanKL, tokens: batch.lengths.reduce(0, +), sentences: B)
        if gradients {
            let dHidden = output.backward(input: dec.hidden, gradOutput: logits)!  // logits hold dL/dlogits
            let dz = decodeBackward(dec, batch: batch, z: z, gradHidden: dHidden)
            let (dMean, dLogVariance) = Gaussian.reparameterizeBackward(
                gradZ: dz, epsilon: eps, logVariance: enc.logVariance)
            dMean.add(kl.gradMean!)
            dLogVariance.add(kl.gradLogVariance!)
            encodeBackward(enc, batch: batch, gradMean: dMean, gradLogVariance: dLogVariance)
        }
        return Outcome(metrics: metrics, reconstruction: reconstruction, kl: kl, encoded: enc)
    }
}
