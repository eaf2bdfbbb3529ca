import Foundation
import NeuralCore
import Support

/// An LSTM language model over characters: embed(x_{t−1}) → LSTM → Linear → softmax over x_t,
/// with x_{−1} = `startSymbol`. No latent variable: the baseline that shows what the VRNN's and
/// the character VAE's latents buy (Chung et al. 2015 compare against it).
///
/// Its loss per sequence is Σ_t −log p(x_t | x_<t) — exact, so its "ELBO" is the likelihood and
/// its KL is 0. Like the character VAE, the LSTM runs as a ``SymbolLSTM`` (input projections
/// by per-symbol table lookup), padding is masked, and parameter names follow PyTorch
/// (`emb.weight`, `lstm.weight_ih_l0`, `out.bias`).
public final class LSTMLanguageModel: TextModel, PrefixGenerating, @unchecked Sendable {
    public let configuration: LanguageModelConfiguration
    public let embedding: Embedding
    public let lstm: LSTMLayer
    public let output: Linear

    public init(configuration: LanguageModelConfiguration, rng: inout RandomGenerator) {
        configuration.validate()
        let c = configuration
        self.configuration = c
        embedding = Embedding(vocabularySize: c.vocabularySize, dimension: c.embeddingDimension, rng: &rng)
        lstm = LSTMLayer(inputSize: c.embeddingDimension, hiddenSize: c.hidden, rng: &rng)
        output = Linear(c.hidden, c.vocabularySize, rng: &rng)
    }

    public var namedParameters: [NamedParameter] {
        embedding.parameters(prefix: "emb")
            + lstm.namedParameters.map { NamedParameter("lstm.\($0.name)_l0", $0.parameter) }
            + output.parameters(prefix: "out")
    }

    private var symbols: SymbolInputs {
        SymbolInputs(embedding: embedding, vocabularySize: configuration.vocabularySize)
    }

    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    {
        run(batch, gradients: true, normalizer: batch.batchSize).metrics
    }

    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        let r = run(batch, gradients: false, normalizer: batch.batchSize)
        return EvaluationResult(
            perSentenceReconstruction: r.perSequence, perSentenceKL: [Double](repeating: 0, count: batch.batchSize),
            tokens: batch.lengths.reduce(0, +), means: nil, logVariances: nil)
    }

    public func beginStep(_ batch: TokenBatch, rng: inout RandomGenerator) {}

    public func finishStep(
        _ batch: TokenBatch, from start: Void, objective: ObjectiveSettings, normalizer: Int,
        klDimensionMeans: [Double]?, rng: inout RandomGenerator
    ) -> StepMetrics {
        run(batch, gradients: true, normalizer: normalizer).metrics
    }

    /// Forward (and backward when `gradients`), losses divided by `normalizer`.
    func run(_ batch: TokenBatch, gradients: Bool, normalizer: Int) -> (metrics: StepMetrics, perSequence: [Double]) {
        let c = configuration, B = batch.batchSize, T = batch.time, G = 4 * c.hidden
        let ids = batch.ids.map { id -> Int in
            precondition(
                id >= 0 && Int(id) < c.vocabularySize,
                "LSTMLanguageModel: symbol \(id) outside 0..<\(c.vocabularySize).")
            return Int(id)
        }
        // Shift right: step 0 reads the start symbol, step t the symbol t − 1.
        var inputIds = [Int](repeating: c.startSymbol, count: B * T)
        for b in 0..<B { for t in 1..<max(batch.lengths[b], 1) { inputIds[b * T + t] = ids[b * T + t - 1] } }
        let table = symbols.table(lstm, symbolWeights: lstm.weightIH.value)
        let gates = Tensor(uninitialized: [T * B, G])
        for t in 0..<T {
            for b in 0..<B {
                (gates.data + (t * B + b) * G).update(from: table.data + inputIds[b * T + t] * G, count: G)
            }
        }
        let pass = SymbolLSTM(layer: lstm).forward(inputGates: gates, lengths: batch.lengths, batch: B, time: T)
        let hidden = pass.outputs
        let logits = output.forward(hidden)  // [T·B, V], time-major
        var targets = [Int](repeating: 0, count: T * B)
        var mask: [Float]? = nil
        for b in 0..<B { for t in 0..<T { targets[t * B + b] = ids[b * T + t] } }
        if batch.lengths.contains(where: { $0 < T }) {
            var m = [Float](repeating: 0, count: T * B)
            for b in 0..<B { for t in 0..<batch.lengths[b] { m[t * B + b] = 1 } }
            mask = m
        }
        let ce = softmaxCrossEntropy(logits: logits, targets: targets, mask: mask, gradientScale: 1 / Float(normalizer))
        var perSequence = [Double](repeating: 0, count: B)
        for (r, loss) in ce.perSequence.enumerated() { perSequence[r % B] += Double(loss) }
        let mean = ce.total / Double(normalizer)
        let metrics = StepMetrics(
            loss: mean, reconstruction: mean, kl: 0, tokens: batch.lengths.reduce(0, +), sentences: B)
        if gradients {
            let dHidden = output.backward(input: hidden, gradOutput: logits)!  // logits hold dL/dlogits
            let dG = SymbolLSTM(layer: lstm).backward(pass, gradOutput: dHidden, gradFinalState: nil)
            let perSymbol = symbols.gradientPerSymbol(dG, ids: inputIds, batch: batch)
            Tensor.gemm(perSymbol.sums, transposeA: true, embedding.weight.value, into: lstm.weightIH.gradient, beta: 1)
            symbols.accumulateEmbeddingGradient(perSymbol, symbolWeights: lstm.weightIH.value)
        }
        return (metrics, perSequence)
    }

    /// Sequences of at most `maxLength` symbols drawn from the model (stopping at `endSymbol`
    /// when the configuration has one), the LSTM run one step at a time.
    public func generate(count: Int, maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        generate(count: count, prefix: [], maxLength: maxLength, strategy: strategy, rng: &rng)
    }

    public func generate(
        count: Int, prefix: [Int32], maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator
    ) -> [[Int32]] {
        guard count > 0 else { return [] }
        let choose: ([Double], inout RandomGenerator) -> Int
        switch strategy {
        case .greedy: choose = { logp, _ in TokenChooser.argmax(logp) }
        case let .sample(temperature, topK):
            choose = { logp, r in TokenChooser.sample(logp, temperature: temperature, topK: topK, rng: &r) }
        case .beam:
            preconditionFailure("LSTMLanguageModel.generate: beam search is not supported; use .greedy or .sample.")
        }
        let c = configuration, V = c.vocabularySize
        var out = [[Int32]](repeating: [], count: count)
        var done = [Bool](repeating: false, count: count)
        var previous = [Int](repeating: c.startSymbol, count: count)
        var state: RNNState? = nil
        for t in 0..<maxLength where done.contains(false) {
            let x = embedding.forward(previous, shape: [count, 1])
            let r = lstm.forward(x, lengths: nil, initialState: state, reverse: false)
            state = r.finalState
            let logits = output.forward(r.finalState.h)
            for n in 0..<count where !done[n] {
                let id =
                    t < prefix.count ? Int(prefix[t]) : choose(TokenChooser.logSoftmax(logits.data + n * V, V), &rng)
                if let end = c.endSymbol, id == end { done[n] = true; continue }
                out[n].append(Int32(id))
                previous[n] = id
            }
        }
        return out
    }
}
