import Foundation
import Support

/// One step of a recurrent layer, for step-wise use (VRNN, greedy or sampled decoding).
///
/// - Input: `x [B, I]`, state `h (and c) [B, H]` (zero if nil), optional `active [B]`: rows with
///   `false` are padding, their state is carried through unchanged and gets the incoming gradient.
/// - Output: the new state (`h′ [B, H]` is the step's output).
/// - Parameters: those of the wrapped layer (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`,
///   PyTorch `nn.LSTMCell` / `nn.GRUCell` names).
///
/// Each `forward` returns a cache; keep one per step and call `backward` in reverse step order.
public final class RecurrentCell<Layer: RecurrentLayer>: Module, @unchecked Sendable {
    public let layer: Layer
    public var inputSize: Int { layer.inputSize }
    public var hiddenSize: Int { layer.hiddenSize }

    public init(inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator) {
        layer = Layer(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
    }

    public var namedParameters: [NamedParameter] { layer.namedParameters }

    public func forward(_ x: Tensor, state: RNNState?, active: [Bool]? = nil) -> (state: RNNState, cache: Layer.Cache) {
        precondition(x.rank == 2, "A recurrent cell expects x [B, I], got \(x.shape).")
        let B = x.shape[0]
        let r = layer.forward(
            x.reshaped([B, 1, x.shape[1]]), lengths: active.map { $0.map { $0 ? 1 : 0 } },
            initialState: state, reverse: false)
        return (r.finalState, r.cache)
    }

    /// Takes the gradient of the new state, returns dx `[B, I]` and the gradient of the old state.
    public func backward(_ cache: Layer.Cache, gradState: RNNState) -> (gradInput: Tensor, gradState: RNNState) {
        let r = layer.backward(cache, gradOutput: nil, gradFinalState: gradState)
        let dx = r.gradInput
        return (dx.reshaped([dx.shape[0], dx.shape[2]]), r.gradInitialState)
    }
}

/// One LSTM step (PyTorch `nn.LSTMCell`).
public typealias LSTMCell = RecurrentCell<LSTMLayer>
/// One GRU step (PyTorch `nn.GRUCell`).
public typealias GRUCell = RecurrentCell<GRULayer>
