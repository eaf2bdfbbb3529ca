import Support

/// A stack of recurrent layers, optionally bidirectional, with PyTorch `nn.LSTM` / `nn.GRU`
/// parameter names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, and `…_reverse`
/// for the backward direction), so weights map 1:1 to a PyTorch state dict.
///
/// - Input: `x [B, T, I]`, optional `lengths [B]`, optional initial states (one per layer and
///   direction, index `layer · directions + direction`).
/// - Output: `[B, T, directions · H]` (forward half first), zero on padded steps; final states in
///   the same index order as the initial states.
///
/// Layer k > 0 reads the concatenated outputs of layer k − 1, with inverted dropout of rate
/// `dropout` in between when training (as PyTorch's `dropout=`; not after the last layer).
public final class StackedRecurrent<Layer: RecurrentLayer>: Module, @unchecked Sendable {
    public let inputSize: Int
    public let hiddenSize: Int
    public let layerCount: Int
    public let isBidirectional: Bool
    /// Dropout applied to the outputs of every layer but the last when training.
    public let dropout: Dropout
    /// `layers[k][d]`: layer k, direction d (0 forward, 1 reverse).
    public let layers: [[Layer]]

    public var directionCount: Int { isBidirectional ? 2 : 1 }

    public init(
        inputSize: Int, hiddenSize: Int, layers layerCount: Int = 1, bidirectional: Bool = false,
        dropout: Float = 0, rng: inout RandomGenerator
    ) {
        precondition(layerCount >= 1)
        self.dropout = Dropout(rate: dropout)
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        isBidirectional = bidirectional
        var all: [[Layer]] = []
        for k in 0..<layerCount {
            let inSize = k == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1)
            all.append(
                (0..<(bidirectional ? 2 : 1)).map { _ in Layer(inputSize: inSize, hiddenSize: hiddenSize, rng: &rng) })
        }
        layers = all
    }

    public var namedParameters: [NamedParameter] {
        var out: [NamedParameter] = []
        for (k, dirs) in layers.enumerated() {
            for (d, layer) in dirs.enumerated() {
                let suffix = "_l\(k)" + (d == 1 ? "_reverse" : "")
                out += layer.namedParameters.map { NamedParameter($0.name + suffix, $0.parameter) }
            }
        }
        return out
    }

    public struct Cache {
        var layerCaches: [[Layer.Cache]]
        /// Dropout masks applied to the outputs of layers 0 ..< L − 1 (nil: none drawn).
        var masks: [Tensor?]
    }

    /// Evaluation-mode forward pass (no dropout).
    public func forward(_ x: Tensor, lengths: [Int]? = nil, initialStates: [RNNState]? = nil)
        -> (output: Tensor, finalStates: [RNNState], cache: Cache)
    {
        var unused = RandomGenerator(seed: 0)
        return forward(x, lengths: lengths, initialStates: initialStates, training: false, rng: &unused)
    }

    /// Forward pass; when `training`, inter-layer dropout masks are drawn from `rng`.
    public func forward(
        _ x: Tensor, lengths: [Int]? = nil, initialStates: [RNNState]? = nil,
        training: Bool, rng: inout RandomGenerator
    )
        -> (output: Tensor, finalStates: [RNNState], cache: Cache)
    {
        if let s = initialStates {
            precondition(
                s.count == layerCount * directionCount,
                "Expected \(layerCount * directionCount) initial states, got \(s.count).")
        }
        var input = x
        var finals: [RNNState] = []
        var caches: [[Layer.Cache]] = []
        var masks: [Tensor?] = []
        for (k, dirs) in layers.enumerated() {
            if k > 0 {
                let d = dropout.forward(input, training: training, rng: &rng)
                input = d.output
                masks.append(d.mask)
            }
            var outs: [Tensor] = []
            var layerCaches: [Layer.Cache] = []
            for (d, layer) in dirs.enumerated() {
                let r = layer.forward(
                    input, lengths: lengths, initialState: initialStates?[k * directionCount + d], reverse: d == 1)
                outs.append(r.output)
                finals.append(r.finalState)
                layerCaches.append(r.cache)
            }
            caches.append(layerCaches)
            input = outs.count == 1 ? outs[0] : Tensor.concatenateLast(outs)
        }
        return (input, finals, Cache(layerCaches: caches, masks: masks))
    }

    /// Returns dx `[B, T, I]` and the gradients of the initial states (same order as `finalStates`).
    public func backward(_ cache: Cache, gradOutput: Tensor?, gradFinalStates: [RNNState?]? = nil)
        -> (gradInput: Tensor, gradInitialStates: [RNNState])
    {
        if let g = gradFinalStates {
            precondition(
                g.count == layerCount * directionCount,
                "Expected \(layerCount * directionCount) final-state gradients, got \(g.count).")
        }
        var gradOut = gradOutput
        var gradInitial = [RNNState?](repeating: nil, count: layerCount * directionCount)
        var gradInput: Tensor! = nil
        for k in stride(from: layerCount - 1, through: 0, by: -1) {
            let parts = isBidirectional ? gradOut.map { $0.splitLast([hiddenSize, hiddenSize]) } : gradOut.map { [$0] }
            var sum: Tensor? = nil
            for d in 0..<directionCount {
                let idx = k * directionCount + d
                let r = layers[k][d].backward(
                    cache.layerCaches[k][d], gradOutput: parts?[d],
                    gradFinalState: gradFinalStates?[idx])
                gradInitial[idx] = r.gradInitialState
                if let s = sum { s.add(r.gradInput) } else { sum = r.gradInput }
            }
            gradOut = k > 0 ? dropout.backward(mask: cache.masks[k - 1], gradOutput: sum!) : sum
            gradInput = sum
        }
        return (gradInput, gradInitial.map { $0! })
    }
}

/// Multi-layer, optionally bidirectional LSTM (PyTorch `nn.LSTM` with `batch_first=True`).
public typealias LSTM = StackedRecurrent<LSTMLayer>
/// Multi-layer, optionally bidirectional GRU (PyTorch `nn.GRU` with `batch_first=True`).
public typealias GRU = StackedRecurrent<GRULayer>
