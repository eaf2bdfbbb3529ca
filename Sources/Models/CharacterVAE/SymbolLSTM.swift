import Foundation
import NeuralCore

/// One LSTM layer (an ``LSTMLayer``'s weights, PyTorch equations and gate order i, f, g, o) run
/// over time from gate inputs the caller supplies, for the character VAE.
///
/// Why: a character model's input at step t is a symbol (plus z, the same at every step), so the
/// input projection `x_t W_ihᵀ + b` is a row of a per-symbol table `E W_ihᵀ + b` `[V, 4H]` (plus
/// one `z W_zᵀ` per sequence) — a gather instead of a `[T·B, E] × [E, 4H]` GEMM — and its weight
/// and embedding gradients need only the gate gradients summed per symbol (and per sequence for
/// z). That removes about a quarter of the model's arithmetic. The recurrence itself is the
/// `LSTMLayer`'s (``LSTMLayer/recurrenceForward(gates:hs:cs:tanhC:lengths:batch:time:)``): one
/// `[B, H] × [H, 4H]` GEMM per step against W_hh packed once per pass, one fused gate kernel per
/// step, W_hh's gradient in one GEMM after the loop.
///
/// Layout: time-major, row `t·B + b` is sequence b at step t. Rows with t ≥ `lengths[b]` are
/// padding: the state is carried through them unchanged and their gate gradients are zero.
struct SymbolLSTM {
    let layer: LSTMLayer

    /// What `forward` keeps for `backward`.
    struct Pass {
        let batch: Int, time: Int, lengths: [Int]
        /// `[T·B, 4H]` the activated gates i, f, g, o (unspecified on padded rows).
        let gates: Tensor
        /// `[(T+1)·B, H]`: block t is the state before step t; block T the final state (for
        /// each sequence, the state after its last real step).
        let hs: Tensor, cs: Tensor
        /// `[T·B, H]` tanh(c_t).
        let tanhC: Tensor

        /// The outputs h_t of every step, `[T·B, H]` (carried states on padded rows).
        var outputs: Tensor { hs.rows(batch..<(batch * (time + 1))) }
        /// The state after each sequence's last real step, `[B, H]`.
        var finalState: Tensor { hs.rows((batch * time)..<(batch * (time + 1))) }
    }

    /// Runs the layer from `initial` (h0, c0 `[B, H]` each) or a zero state. `inputGates`
    /// `[T·B, 4H]` holds `x_t W_ihᵀ + b_ih + b_hh` per row; it is consumed (it becomes the gates).
    func forward(inputGates: Tensor, lengths: [Int], batch B: Int, time T: Int, initial: (h: Tensor, c: Tensor)? = nil)
        -> Pass
    {
        let H = layer.hiddenSize, G = 4 * H
        precondition(
            inputGates.shape == [T * B, G], "SymbolLSTM: input gates \(inputGates.shape), expected [\(T * B), \(G)].")
        let hs = Tensor(uninitialized: [(T + 1) * B, H]), cs = Tensor(uninitialized: [(T + 1) * B, H])
        if let initial {
            hs.data.update(from: initial.h.data, count: B * H)
            cs.data.update(from: initial.c.data, count: B * H)
        } else {
            hs.rows(0..<B).zero()
            cs.rows(0..<B).zero()
        }
        let tanhC = Tensor(uninitialized: [T * B, H])
        layer.recurrenceForward(gates: inputGates, hs: hs, cs: cs, tanhC: tanhC, lengths: lengths, batch: B, time: T)
        return Pass(batch: B, time: T, lengths: lengths, gates: inputGates, hs: hs, cs: cs, tanhC: tanhC)
    }

    /// Back-propagation through time. `gradOutput` `[T·B, H]` (dL/dh_t of every step; zero on
    /// padded rows) and `gradFinalState` `[B, H]` may be nil. Accumulates the gradients of
    /// `weight_hh`, `bias_ih` and `bias_hh`; returns dL/d(input gates) `[T·B, 4H]` (zero on
    /// padded rows), from which the caller derives `weight_ih`'s and its inputs' gradients.
    func backward(_ pass: Pass, gradOutput: Tensor?, gradFinalState: Tensor?) -> Tensor {
        backwardToInitialState(pass, gradOutput: gradOutput, gradFinalState: gradFinalState).gates
    }

    /// ``backward(_:gradOutput:gradFinalState:)`` that also returns dL/dh0 and dL/dc0 `[B, H]`
    /// (for a state started from z).
    func backwardToInitialState(_ pass: Pass, gradOutput: Tensor?, gradFinalState: Tensor?) -> (
        gates: Tensor, h: Tensor, c: Tensor
    ) {
        let B = pass.batch, T = pass.time, H = layer.hiddenSize
        let dh = Tensor(zeros: [B, H]), dc = Tensor(zeros: [B, H])
        if let s = gradFinalState { dh.assign(s) }
        let dG = layer.recurrenceBackward(
            gates: pass.gates, cs: pass.cs, tanhC: pass.tanhC, lengths: pass.lengths, batch: B,
            time: T, gradOutput: gradOutput, dh: dh, dc: dc)
        Tensor.gemm(dG, transposeA: true, pass.hs.rows(0..<(T * B)), into: layer.weightHH.gradient, beta: 1)
        dG.accumulateColumnSums(into: layer.biasIH.gradient)
        dG.accumulateColumnSums(into: layer.biasHH.gradient)
        return (dG, dh, dc)
    }
}
