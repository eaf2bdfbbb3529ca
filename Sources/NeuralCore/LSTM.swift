import Foundation
import Support

/// One direction of one LSTM layer over a padded batch (see `RecurrentLayer` for the contract).
///
/// - Input: `x [B, T, I]`; output `[B, T, H]`; state `h, c [B, H]`.
/// - Parameters (PyTorch names and layout, gate order i, f, g, o):
///   `weight_ih [4H, I]`, `weight_hh [4H, H]`, `bias_ih [4H]`, `bias_hh [4H]`.
///
/// Forward: the input projection of all time steps is one GEMM `[T·B, I]·W_ihᵀ` before the time
/// loop; each step adds `h·W_hhᵀ` (one GEMM `[B, H]×[H, 4H]` against W_hh packed once per pass)
/// and applies the four gate nonlinearities and the cell update in one fused kernel (see
/// `LSTM+Recurrence.swift`). Backward is hand-written BPTT: one GEMM per step for dh, then the
/// weight gradients of all steps in one GEMM each.
public final class LSTMLayer: FusedGateRecurrentLayer, @unchecked Sendable {
    public let inputSize: Int
    public let hiddenSize: Int
    /// The fused gate weights and biases (`weight_ih [GH, I]`, `weight_hh [GH, H]`, biases `[GH]`).
    public let weights: FusedGateWeights

    public init(inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        weights = FusedGateWeights(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
    }

    /// Activations kept from `forward` for `backward`.
    public final class Cache {
        let batch: Int, time: Int, lengths: [Int], reverse: Bool
        let xtm: Tensor  // [T, B, I] time-major input (zero on padding)
        let gates: Tensor  // [T, B, 4H] activated gates i, f, g, o
        let hs: Tensor  // [T+1, B, H], hs[0] = h0
        let cs: Tensor  // [T+1, B, H], cs[0] = c0
        let tanhC: Tensor  // [T, B, H]
        init(
            batch: Int, time: Int, lengths: [Int], reverse: Bool, xtm: Tensor, gates: Tensor, hs: Tensor, cs: Tensor,
            tanhC: Tensor
        ) {
            self.batch = batch; self.time = time; self.lengths = lengths; self.reverse = reverse
            self.xtm = xtm; self.gates = gates; self.hs = hs; self.cs = cs; self.tanhC = tanhC
        }
    }

    public func forward(_ x: Tensor, lengths: [Int]? = nil, initialState: RNNState? = nil, reverse: Bool = false)
        -> (output: Tensor, finalState: RNNState, cache: Cache)
    {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "LSTM expects [B, T, \(inputSize)], got \(x.shape).")
        let B = x.shape[0], T = x.shape[1], H = hiddenSize, G = 4 * H
        let lens = resolveLengths(lengths, batch: B, time: T)
        let xtm = toTimeMajor(x, lengths: lens, reverse: reverse)

        // Gate pre-activations of every step: (b_ih + b_hh) + x·W_ihᵀ in one GEMM.
        let gates = Tensor(zeros: [T, B, G])
        let bias = biasIH.value.copy()
        bias.add(biasHH.value)
        gates.addRowVector(bias)
        Tensor.gemm(xtm, weightIH.value, transposeB: true, into: gates, beta: 1)

        let hs = Tensor(zeros: [T + 1, B, H]), cs = Tensor(zeros: [T + 1, B, H]), tanhC = Tensor(zeros: [T, B, H])
        if let s = initialState {
            precondition(s.h.count == B * H, "LSTM initial h must be [\(B), \(H)], got \(s.h.shape).")
            hs.data.update(from: s.h.data, count: B * H)
            if let c = s.c {
                precondition(c.count == B * H, "LSTM initial c must be [\(B), \(H)], got \(c.shape).")
                cs.data.update(from: c.data, count: B * H)
            }
        }
        recurrenceForward(gates: gates, hs: hs, cs: cs, tanhC: tanhC, lengths: lens, batch: B, time: T)
        let output = fromTimeMajor(hs.rows(1..<(T + 1)), lengths: lens, reverse: reverse)
        let final = RNNState(
            h: hs.rows(T..<(T + 1)).copy().reshaped([B, H]), c: cs.rows(T..<(T + 1)).copy().reshaped([B, H]))
        let cache = Cache(
            batch: B, time: T, lengths: lens, reverse: reverse, xtm: xtm, gates: gates, hs: hs, cs: cs, tanhC: tanhC)
        return (output, final, cache)
    }

    public func backward(_ cache: Cache, gradOutput: Tensor?, gradFinalState: RNNState?)
        -> (gradInput: Tensor, gradInitialState: RNNState)
    {
        let B = cache.batch, T = cache.time, H = hiddenSize, G = 4 * H
        let lens = cache.lengths
        let dOut = gradOutput.map { g -> Tensor in
            precondition(g.count == B * T * H, "LSTM gradOutput must be [\(B), \(T), \(H)], got \(g.shape).")
            return toTimeMajor(g.reshaped([B, T, H]), lengths: lens, reverse: cache.reverse)
        }
        let dh = Tensor(zeros: [B, H]), dc = Tensor(zeros: [B, H])
        if let s = gradFinalState {
            dh.assign(s.h)
            if let c = s.c { dc.assign(c) }
        }
        let dG = recurrenceBackward(
            gates: cache.gates, cs: cache.cs, tanhC: cache.tanhC, lengths: lens, batch: B, time: T,
            gradOutput: dOut, dh: dh, dc: dc
        ).reshaped([T, B, G])
        if weightIH.isTrainable { Tensor.gemm(dG, transposeA: true, cache.xtm, into: weightIH.gradient, beta: 1) }
        if weightHH.isTrainable {
            Tensor.gemm(dG, transposeA: true, cache.hs.rows(0..<T), into: weightHH.gradient, beta: 1)
        }
        if biasIH.isTrainable { dG.accumulateColumnSums(into: biasIH.gradient) }
        if biasHH.isTrainable { dG.accumulateColumnSums(into: biasHH.gradient) }
        let dxtm = Tensor(zeros: [T, B, inputSize])
        Tensor.gemm(dG, weightIH.value, into: dxtm)
        let dx = fromTimeMajor(dxtm, lengths: lens, reverse: cache.reverse)
        return (dx, RNNState(h: dh, c: dc))
    }
}
