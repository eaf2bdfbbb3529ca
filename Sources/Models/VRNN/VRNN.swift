import Foundation
import NeuralCore
import Support

/// The variational recurrent neural network of Chung et al. 2015 with a categorical output: one
/// latent variable per time step, with a learned prior that depends on the recurrent state.
///
/// At step t, with h = h_{t−1} (zero at t = 0) and x_t the symbol of the step:
/// - φ_x = ReLU(Linear(embed(x_t)))                              `[B, H]`
/// - encoder q(z_t | x_≤t, z_<t) = N(μ, σ²) from Linear(ReLU(Linear([φ_x, h])))   `[B, 2Z]`
/// - prior p(z_t | x_<t, z_<t) = N(μ_p, σ_p²) from Linear(ReLU(Linear(h)))        `[B, 2Z]`
/// - z_t = μ + σ ⊙ ε,  φ_z = ReLU(Linear(z_t))                   `[B, H]`
/// - decoder p(x_t | z_≤t, x_<t): logits = Linear(ReLU(Linear([φ_z, h])))        `[B, V]`
/// - recurrence h_t = GRUCell([φ_x, φ_z], h)
///
/// Loss per sequence: Σ_t −log p(x_t | …) + β Σ_t KL(q_t ‖ p_t), averaged over the batch.
///
/// Only the encoder's h-dependent half, the sampling of z, φ_z and the GRU cell run step by step,
/// as one fused loop (VRNN+Recurrence.swift); everything else (embedding, φ_x, the encoder's
/// x-half, the cell's φ_x input projection, the prior, the decoder, the losses and every weight
/// gradient) is one GEMM over all `T · B` positions. A Linear on a
/// concatenation [a, b] is W_a a + W_b b, so the split encoder layer (`enc_x` with the bias,
/// `enc_h` without) is the same model. Parameter names are those of the PyTorch reference in
/// `Benchmarks/python/torch_models.py` (`emb.weight`, `phi_x.0.weight`, `enc_h.weight`,
/// `dec.2.bias`, `cell.weight_ih`, …), so a checkpoint loads into it with `strict=True`.
///
/// Input: ``TokenBatch`` of full windows (every length equal to `time`), ids in 0..<V.
public final class VRNN: Module, @unchecked Sendable {
    public let configuration: VRNNConfiguration
    public let embedding: Embedding
    public let phiX: Linear
    public let phiZ: Linear
    public let encoderX: Linear
    public let encoderH: Linear
    public let encoderStats: Linear
    public let prior: Linear
    public let priorStats: Linear
    public let decoderHidden: Linear
    public let decoderOutput: Linear
    public let cell: GRUCell

    public init(configuration: VRNNConfiguration, rng: inout RandomGenerator) {
        configuration.validate()
        let c = configuration, E = c.embeddingDimension, H = c.hidden, Z = c.latent
        self.configuration = c
        embedding = Embedding(vocabularySize: c.vocabularySize, dimension: E, rng: &rng)
        phiX = Linear(E, H, rng: &rng)
        phiZ = Linear(Z, H, rng: &rng)
        encoderX = Linear(H, H, rng: &rng)
        encoderH = Linear(H, H, bias: false, rng: &rng)
        encoderStats = Linear(H, 2 * Z, rng: &rng)
        prior = Linear(H, H, rng: &rng)
        priorStats = Linear(H, 2 * Z, rng: &rng)
        decoderHidden = Linear(2 * H, H, rng: &rng)
        decoderOutput = Linear(H, c.vocabularySize, rng: &rng)
        cell = GRUCell(inputSize: 2 * H, hiddenSize: H, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        embedding.parameters(prefix: "emb") + phiX.parameters(prefix: "phi_x.0") + phiZ.parameters(prefix: "phi_z.0")
            + encoderX.parameters(prefix: "enc_x") + encoderH.parameters(prefix: "enc_h")
            + encoderStats.parameters(prefix: "enc_stats") + prior.parameters(prefix: "prior.0")
            + priorStats.parameters(prefix: "prior_stats") + decoderHidden.parameters(prefix: "dec.0")
            + decoderOutput.parameters(prefix: "dec.2") + cell.parameters(prefix: "cell")
    }

    /// Forward + backward with ε drawn from `rng`; **accumulates** gradients (the caller zeroes,
    /// clips and steps). `reconstruction` and `kl` are sums over a sequence's steps, averaged
    /// over the batch; tokens are `B · T`.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    {
        run(batch, beta: objective.beta, gradients: true, normalizer: batch.batchSize, rng: &rng)
    }

    /// The same terms without gradients (one ε sample), per sequence: the negative ELBO of a
    /// sequence is its `reconstruction + kl`; `tokens` is `B · T`.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        var perSequence: (reconstruction: [Double], kl: [Double]) = ([], [])
        _ = run(batch, beta: 1, gradients: false, normalizer: batch.batchSize, rng: &rng, perSequence: &perSequence)
        return EvaluationResult(
            perSentenceReconstruction: perSequence.reconstruction, perSentenceKL: perSequence.kl,
            tokens: batch.batchSize * batch.time, means: nil, logVariances: nil)
    }

    // MARK: The step

    /// - Parameter normalizer: the batch size losses and gradients are averaged over — the whole
    ///   batch's when `batch` is one slice of it (``DataParallel``), so slices add up.
    func run(_ batch: TokenBatch, beta: Float, gradients: Bool, normalizer: Int, rng: inout RandomGenerator)
        -> StepMetrics
    {
        var unused: (reconstruction: [Double], kl: [Double]) = ([], [])
        return run(batch, beta: beta, gradients: gradients, normalizer: normalizer, rng: &rng, perSequence: &unused)
    }

    /// As above, also filling each sequence's summed reconstruction NLL and KL (`[B]` each).
    func run(
        _ batch: TokenBatch, beta: Float, gradients: Bool, normalizer: Int, rng: inout RandomGenerator,
        perSequence: inout (reconstruction: [Double], kl: [Double])
    ) -> StepMetrics {
        let c = configuration, B = batch.batchSize, T = batch.time, H = c.hidden, Z = c.latent, N = B * T
        precondition(batch.lengths.allSatisfy { $0 == T }, "VRNN: every sequence must fill the window of \(T) steps.")
        // Time-major ids: row t·B + b is sequence b at step t.
        var ids = [Int](repeating: 0, count: N)
        for b in 0..<B {
            for t in 0..<T {
                let id = Int(batch.ids[b * T + t])
                precondition(id >= 0 && id < c.vocabularySize, "VRNN: symbol \(id) outside 0..<\(c.vocabularySize).")
                ids[t * B + b] = id
            }
        }
        let scale = 1 / Float(normalizer)

        // Everything that does not depend on the recurrence, for all positions at once.
        let embedded = embedding.forward(ids, shape: [N])
        let fx = phiX.forward(embedded)  // [N, H]
        Activation.relu.apply(inPlace: fx)
        let ex = encoderX.forward(fx)  // [N, H]: the x-half of the encoder layer, with its bias
        let epsilon = Tensor.normal([N, Z], rng: &rng)

        // The recurrence (VRNN+Recurrence.swift): h_{t−1}, the encoder's hidden layer, the
        // posterior statistics, z, φ_z and the cell's gates of every step.
        let pass = recurrenceForward(fx: fx, ex: ex, epsilon: epsilon, batch: B, time: T)
        let hs = pass.previousStates, stats = pass.stats, fz = pass.fz

        // Prior and decoder on h_{t−1} of every step, then the losses.
        let priorHidden = prior.forward(hs)
        Activation.relu.apply(inPlace: priorHidden)
        let priorOut = priorStats.forward(priorHidden)  // [N, 2Z]
        let decoderInput = Tensor.concatenateLast([fz, hs])
        let decoderHiddenOut = decoderHidden.forward(decoderInput)
        Activation.relu.apply(inPlace: decoderHiddenOut)
        let logits = decoderOutput.forward(decoderHiddenOut)
        let ce = softmaxCrossEntropy(logits: logits, targets: ids, gradientScale: scale)
        let kl = klToPrior(posterior: stats, prior: priorOut, gradientScale: beta * scale)
        if !gradients {
            // Rows are time-major (t·B + b).
            perSequence = ([Double](repeating: 0, count: B), [Double](repeating: 0, count: B))
            for r in 0..<N {
                perSequence.reconstruction[r % B] += Double(ce.perSequence[r])
                perSequence.kl[r % B] += kl.perRow[r]
            }
        }
        let reconstruction = ce.total / Double(normalizer)
        let klMean = kl.total / Double(normalizer)
        let metrics = StepMetrics(
            loss: reconstruction + Double(beta) * klMean, reconstruction: reconstruction,
            kl: klMean, tokens: N, sentences: B)
        guard gradients else { return metrics }

        // Decoder and prior backward (logits now hold dL/dlogits).
        let dDecoderHidden = decoderOutput.backward(input: decoderHiddenOut, gradOutput: logits)!
        let dDecoderInput = decoderHidden.backward(
            input: decoderInput,
            gradOutput: Activation.relu.backward(output: decoderHiddenOut, gradOutput: dDecoderHidden))!
        let decoderParts = dDecoderInput.splitLast([H, H])
        let dfzDecoder = decoderParts[0], dhs = decoderParts[1]
        let dPriorHidden = priorStats.backward(input: priorHidden, gradOutput: kl.gradP)!
        dhs.add(
            prior.backward(
                input: hs, gradOutput: Activation.relu.backward(output: priorHidden, gradOutput: dPriorHidden))!)

        // Back through the recurrence; then φ_x's gradient from the encoder and the cell.
        let back = recurrenceBackward(
            pass, fx: fx, epsilon: epsilon,
            gradients: RecurrenceGradients(
                previousStates: dhs, fz: dfzDecoder, statsQ: kl.gradQ))
        let dfx = encoderX.backward(input: fx, gradOutput: back.hiddenPre)!
        dfx.add(back.fxFromCell)
        let dEmbedded = phiX.backward(
            input: embedded, gradOutput: Activation.relu.backward(output: fx, gradOutput: dfx))!
        if embedding.weight.isTrainable { embedding.backward(ids: ids, gradOutput: dEmbedded) }
        return metrics
    }

    /// y = x·Wᵀ + b into a preallocated `y` (a row block of a larger tensor).
    @inline(__always) static func affine(_ x: Tensor, _ layer: Linear, into y: Tensor) {
        if let bias = layer.bias {
            let n = layer.outputSize, yp = y.data, bp = bias.value.data
            for r in 0..<y.rowCount { (yp + r * n).update(from: bp, count: n) }
            Tensor.gemm(x, layer.weight.value, transposeB: true, into: y, beta: 1)
        } else {
            Tensor.gemm(x, layer.weight.value, transposeB: true, into: y, beta: 0)
        }
    }

    @inline(__always) static func relu(_ x: Tensor) {
        let p = x.data
        for i in 0..<x.count where p[i] < 0 { p[i] = 0 }
    }
}
