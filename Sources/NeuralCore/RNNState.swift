/// The state of a recurrent layer for one batch: `h [B, H]`, and `c [B, H]` for LSTMs (nil for GRUs).
/// Also used for gradients with respect to a state.
public struct RNNState {
    public var h: Tensor
    public var c: Tensor?
    public init(h: Tensor, c: Tensor? = nil) { self.h = h; self.c = c }
}
