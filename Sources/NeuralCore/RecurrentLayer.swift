import Support

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
