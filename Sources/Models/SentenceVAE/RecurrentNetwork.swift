import NeuralCore
import Support

/// An LSTM or GRU stack chosen at run time (``RecurrentCellKind``), with one interface.
///
/// - Input `[B, T, I]`, lengths `[B]`, initial states (one per layer · direction).
/// - Output `[B, T, directions · H]` and final states in `StackedRecurrent`'s order.
/// Parameter names are PyTorch's (`weight_ih_l0`, …), so the wrapper is transparent in checkpoints.
enum RecurrentNetwork {
    case lstm(LSTM)
    case gru(GRU)

    enum Cache {
        case lstm(LSTM.Cache)
        case gru(GRU.Cache)
    }

    init(
        kind: RecurrentCellKind, inputSize: Int, hiddenSize: Int, layers: Int, bidirectional: Bool,
        rng: inout RandomGenerator
    ) {
        switch kind {
        case .lstm:
            self = .lstm(
                LSTM(
                    inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                    rng: &rng))
        case .gru:
            self = .gru(
                GRU(
                    inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                    rng: &rng))
        }
    }

    var namedParameters: [NamedParameter] {
        switch self {
        case let .lstm(n): return n.namedParameters
        case let .gru(n): return n.namedParameters
        }
    }

    /// Whether states carry a cell `c` (LSTM).
    var hasCellState: Bool { if case .lstm = self { return true } else { return false } }

    var layerCount: Int {
        switch self {
        case let .lstm(n): return n.layerCount
        case let .gru(n): return n.layerCount
        }
    }

    var directionCount: Int {
        switch self {
        case let .lstm(n): return n.directionCount
        case let .gru(n): return n.directionCount
        }
    }

    func forward(_ x: Tensor, lengths: [Int]?, initialStates: [RNNState]?)
        -> (output: Tensor, finalStates: [RNNState], cache: Cache)
    {
        switch self {
        case let .lstm(n):
            let r = n.forward(x, lengths: lengths, initialStates: initialStates)
            return (r.output, r.finalStates, .lstm(r.cache))
        case let .gru(n):
            let r = n.forward(x, lengths: lengths, initialStates: initialStates)
            return (r.output, r.finalStates, .gru(r.cache))
        }
    }

    func backward(_ cache: Cache, gradOutput: Tensor?, gradFinalStates: [RNNState?]?)
        -> (gradInput: Tensor, gradInitialStates: [RNNState])
    {
        switch (self, cache) {
        case let (.lstm(n), .lstm(c)): return n.backward(c, gradOutput: gradOutput, gradFinalStates: gradFinalStates)
        case let (.gru(n), .gru(c)): return n.backward(c, gradOutput: gradOutput, gradFinalStates: gradFinalStates)
        default: preconditionFailure("RecurrentNetwork: cache of another cell kind.")
        }
    }
}
