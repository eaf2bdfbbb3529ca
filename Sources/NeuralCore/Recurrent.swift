import Foundation
import Support

/// The state of a recurrent layer for one batch: `h [B, H]`, and `c [B, H]` for LSTMs (nil for GRUs).
/// Also used for gradients with respect to a state.
public struct RNNState {
    public var h: Tensor
    public var c: Tensor?
    public init(h: Tensor, c: Tensor? = nil) { self.h = h; self.c = c }
}

/// A single-direction, single-layer recurrent layer over padded batches.
///
/// - Input: `x [B, T, I]`, optional `lengths` (B values in 0…T; steps t ≥ length are padding),
///   optional initial state (`[B, H]` tensors, zero if nil).
/// - Output: `[B, T, H]` (zero on padded steps) and the final state (the state after each
///   sequence's last real step: padded steps carry the state through unchanged).
/// - `reverse: true` runs each sequence from its last real step to its first (the backward half
///   of a bidirectional layer); outputs are still written at their original positions.
///
/// `forward` returns a cache that the caller passes to `backward`; the layer itself keeps no
/// per-call state, so the same layer can be run several times (e.g. per VRNN step) before backward.
public protocol RecurrentLayer: Module {
    associatedtype Cache
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    init(inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator)
    func forward(_ x: Tensor, lengths: [Int]?, initialState: RNNState?, reverse: Bool)
        -> (output: Tensor, finalState: RNNState, cache: Cache)
    /// Accumulates parameter gradients and returns dx `[B, T, I]` and the gradient of the initial
    /// state. `gradOutput` (`[B, T, H]`) and `gradFinalState` may be nil (treated as zero).
    func backward(_ cache: Cache, gradOutput: Tensor?, gradFinalState: RNNState?)
        -> (gradInput: Tensor, gradInitialState: RNNState)
}

/// Validated sequence lengths (all T when nil).
func resolveLengths(_ lengths: [Int]?, batch: Int, time: Int) -> [Int] {
    guard let lengths else { return [Int](repeating: time, count: batch) }
    precondition(lengths.count == batch, "lengths has \(lengths.count) entries for a batch of \(batch).")
    precondition(lengths.allSatisfy { $0 >= 0 && $0 <= time }, "lengths \(lengths) must lie in 0…\(time).")
    return lengths
}

/// `[B, T, F]` → time-major `[T, B, F]`; step t of row b reads position t (or len−1−t when
/// reversed). Padded steps are zero.
func toTimeMajor(_ x: Tensor, lengths: [Int], reverse: Bool) -> Tensor {
    precondition(x.rank == 3)
    let b = x.shape[0], t = x.shape[1], f = x.shape[2]
    let out = Tensor(zeros: [t, b, f])
    let src = x.data, dst = out.data
    for bi in 0..<b {
        let len = lengths[bi]
        for step in 0..<len {
            let pos = reverse ? len - 1 - step : step
            (dst + (step * b + bi) * f).update(from: src + (bi * t + pos) * f, count: f)
        }
    }
    return out
}

/// Inverse of `toTimeMajor`: time-major `[T, B, F]` → `[B, T, F]`, zero on padded positions.
func fromTimeMajor(_ y: Tensor, lengths: [Int], reverse: Bool) -> Tensor {
    precondition(y.rank == 3)
    let t = y.shape[0], b = y.shape[1], f = y.shape[2]
    let out = Tensor(zeros: [b, t, f])
    let src = y.data, dst = out.data
    for bi in 0..<b {
        let len = lengths[bi]
        for step in 0..<len {
            let pos = reverse ? len - 1 - step : step
            (dst + (bi * t + pos) * f).update(from: src + (step * b + bi) * f, count: f)
        }
    }
    return out
}

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

/// The parameters of one recurrent layer with `gates` fused gates (LSTM 4: i, f, g, o; GRU 3:
/// r, z, n), in PyTorch's layout, names and initialisation, so checkpoints map 1:1 to
/// `torch.nn.LSTM` / `torch.nn.GRU`.
public struct FusedGateWeights: @unchecked Sendable {
    /// `[gates·H, I]`
    public let weightIH: Parameter
    /// `[gates·H, H]`
    public let weightHH: Parameter
    /// `[gates·H]`
    public let biasIH: Parameter
    /// `[gates·H]`
    public let biasHH: Parameter

    /// Initialisation: uniform(−1/√H, 1/√H) for every weight and bias, as PyTorch.
    public init(gates: Int, inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator) {
        let k = 1 / Float(hiddenSize).squareRoot(), g = gates * hiddenSize
        weightIH = Parameter(.uniform([g, inputSize], low: -k, high: k, rng: &rng))
        weightHH = Parameter(.uniform([g, hiddenSize], low: -k, high: k, rng: &rng))
        biasIH = Parameter(.uniform([g], low: -k, high: k, rng: &rng))
        biasHH = Parameter(.uniform([g], low: -k, high: k, rng: &rng))
    }

    public var namedParameters: [NamedParameter] {
        [
            NamedParameter("weight_ih", weightIH), NamedParameter("weight_hh", weightHH),
            NamedParameter("bias_ih", biasIH), NamedParameter("bias_hh", biasHH)
        ]
    }
}

/// A recurrent layer whose parameters are one ``FusedGateWeights`` block (LSTM, GRU): the
/// parameter accessors and PyTorch names come from here.
public protocol FusedGateRecurrentLayer: RecurrentLayer {
    var weights: FusedGateWeights { get }
}

extension FusedGateRecurrentLayer {
    public var weightIH: Parameter { weights.weightIH }
    public var weightHH: Parameter { weights.weightHH }
    public var biasIH: Parameter { weights.biasIH }
    public var biasHH: Parameter { weights.biasHH }
    public var namedParameters: [NamedParameter] { weights.namedParameters }
}
