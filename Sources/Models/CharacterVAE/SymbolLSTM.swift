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
/// `LSTMLayer`'s: one `[B, H] × [H, 4H]` GEMM per step, fused gate kernels (eight lanes at a
/// time), W_hh's gradient in one GEMM after the loop.
///
/// Layout: time-major, row `t·B + b` is sequence b at step t. Rows with t ≥ `lengths[b]` are
/// padding: the state is carried through them unchanged and their gate gradients are zero.
struct SymbolLSTM {
    let layer: LSTMLayer
    private typealias K = VRNNKernels

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

    /// Runs the layer from a zero state. `inputGates` `[T·B, 4H]` holds `x_t W_ihᵀ + b_ih + b_hh`
    /// per row; it is consumed (it becomes the gates).
    func forward(inputGates: Tensor, lengths: [Int], batch B: Int, time T: Int) -> Pass {
        let H = layer.hiddenSize, G = 4 * H, BH = B * H
        precondition(inputGates.shape == [T * B, G], "SymbolLSTM: input gates \(inputGates.shape), expected [\(T * B), \(G)].")
        let gates = inputGates
        let hs = Tensor(uninitialized: [(T + 1) * B, H]), cs = Tensor(uninitialized: [(T + 1) * B, H])
        hs.rows(0..<B).zero()
        cs.rows(0..<B).zero()
        let tanhC = Tensor(uninitialized: [T * B, H])
        let maxLength = lengths.max() ?? 0
        let gp = gates.data, hp = hs.data, cp = cs.data, tp = tanhC.data
        for t in 0..<T {
            let first = t * B
            if t < maxLength {
                Tensor.gemm(hs.rows(first..<(first + B)), layer.weightHH.value, transposeB: true,
                            into: gates.rows(first..<(first + B)), beta: 1)
            }
            for b in 0..<B {
                let hPrev = hp + t * BH + b * H, cPrev = cp + t * BH + b * H
                let hNext = hPrev + BH, cNext = cPrev + BH
                guard t < lengths[b] else {
                    hNext.update(from: hPrev, count: H)
                    cNext.update(from: cPrev, count: H)
                    continue
                }
                let g = gp + (first + b) * G, tc = tp + (first + b) * H
                var j = 0
                while j + 8 <= H {
                    let i = K.sigmoid(K.load(g + j)), f = K.sigmoid(K.load(g + H + j))
                    let c̃ = K.tanh(K.load(g + 2 * H + j)), o = K.sigmoid(K.load(g + 3 * H + j))
                    K.store(i, g + j); K.store(f, g + H + j); K.store(c̃, g + 2 * H + j); K.store(o, g + 3 * H + j)
                    let c = f * K.load(cPrev + j) + i * c̃, th = K.tanh(c)
                    K.store(c, cNext + j); K.store(th, tc + j); K.store(o * th, hNext + j)
                    j += 8
                }
                for j in j..<H {
                    let i = K.sigmoid(g[j]), f = K.sigmoid(g[H + j]), c̃ = K.tanh(g[2 * H + j]), o = K.sigmoid(g[3 * H + j])
                    g[j] = i; g[H + j] = f; g[2 * H + j] = c̃; g[3 * H + j] = o
                    let c = f * cPrev[j] + i * c̃, th = K.tanh(c)
                    cNext[j] = c; tc[j] = th; hNext[j] = o * th
                }
            }
        }
        return Pass(batch: B, time: T, lengths: lengths, gates: gates, hs: hs, cs: cs, tanhC: tanhC)
    }

    /// Back-propagation through time. `gradOutput` `[T·B, H]` (dL/dh_t of every step; zero on
    /// padded rows) and `gradFinalState` `[B, H]` may be nil. Accumulates the gradients of
    /// `weight_hh`, `bias_ih` and `bias_hh`; returns dL/d(input gates) `[T·B, 4H]` (zero on
    /// padded rows), from which the caller derives `weight_ih`'s and its inputs' gradients.
    func backward(_ pass: Pass, gradOutput: Tensor?, gradFinalState: Tensor?) -> Tensor {
        let B = pass.batch, T = pass.time, H = layer.hiddenSize, G = 4 * H, BH = B * H
        let dh = Tensor(zeros: [B, H]), dc = Tensor(zeros: [B, H])
        if let s = gradFinalState { dh.assign(s) }
        let dG = Tensor(uninitialized: [T * B, G])
        let gp = pass.gates.data, cp = pass.cs.data, tp = pass.tanhC.data
        let dgp = dG.data, dhp = dh.data, dcp = dc.data, dop = gradOutput?.data
        let maxLength = pass.lengths.max() ?? 0
        if maxLength < T { dG.rows((maxLength * B)..<(T * B)).zero() }
        for t in stride(from: maxLength - 1, through: 0, by: -1) {
            let first = t * B
            for b in 0..<B {
                let row = first + b, dg = dgp + row * G
                guard t < pass.lengths[b] else { dg.update(repeating: 0, count: G); continue }
                let g = gp + row * G, cPrev = cp + t * BH + b * H, tc = tp + row * H
                let dhRow = dhp + b * H, dcRow = dcp + b * H
                if let dop { let src = dop + row * H; for j in 0..<H { dhRow[j] += src[j] } }
                var j = 0
                while j + 8 <= H {
                    let i = K.load(g + j), f = K.load(g + H + j), c̃ = K.load(g + 2 * H + j), o = K.load(g + 3 * H + j)
                    let dhj = K.load(dhRow + j), th = K.load(tc + j)
                    let dct = K.load(dcRow + j) + dhj * o * (1 - th * th)
                    K.store(dct * c̃ * i * (1 - i), dg + j)
                    K.store(dct * K.load(cPrev + j) * f * (1 - f), dg + H + j)
                    K.store(dct * i * (1 - c̃ * c̃), dg + 2 * H + j)
                    K.store(dhj * th * o * (1 - o), dg + 3 * H + j)
                    K.store(dct * f, dcRow + j)
                    K.store(K.V8(), dhRow + j)
                    j += 8
                }
                for j in j..<H {
                    let i = g[j], f = g[H + j], c̃ = g[2 * H + j], o = g[3 * H + j]
                    let dhj = dhRow[j], th = tc[j]
                    let dct = dcRow[j] + dhj * o * (1 - th * th)
                    dg[j] = dct * c̃ * i * (1 - i)
                    dg[H + j] = dct * cPrev[j] * f * (1 - f)
                    dg[2 * H + j] = dct * i * (1 - c̃ * c̃)
                    dg[3 * H + j] = dhj * th * o * (1 - o)
                    dcRow[j] = dct * f
                    dhRow[j] = 0
                }
            }
            // dh_{t−1} = dG_t W_hh; padded rows have dG = 0 and keep their carried dh.
            Tensor.gemm(dG.rows(first..<(first + B)), layer.weightHH.value, into: dh, beta: 1)
        }
        Tensor.gemm(dG, transposeA: true, pass.hs.rows(0..<(T * B)), into: layer.weightHH.gradient, beta: 1)
        dG.accumulateColumnSums(into: layer.biasIH.gradient)
        dG.accumulateColumnSums(into: layer.biasHH.gradient)
        return dG
    }
}
