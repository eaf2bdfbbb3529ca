import Foundation

/// One direction of one LSTM layer over a padded batch (see `RecurrentLayer` for the contract).
///
/// - Input: `x [B, T, I]`; output `[B, T, H]`; state `h, c [B, H]`.
/// - Parameters (PyTorch names and layout, gate order i, f, g, o):
///   `weight_ih [4H, I]`, `weight_hh [4H, H]`, `bias_ih [4H]`, `bias_hh [4H]`.
///
/// Forward: the input projection of all time steps is one GEMM `[T·B, I]·W_ihᵀ` before the time
/// loop; each step adds `h·W_hhᵀ` (one GEMM `[B, H]×[H, 4H]`) and applies the four gate
/// nonlinearities and the cell update in one fused pass. Backward is hand-written BPTT: one GEMM
/// per step for dh, then the weight gradients of all steps in one GEMM each.
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
        let xtm: Tensor      // [T, B, I] time-major input (zero on padding)
        let gates: Tensor    // [T, B, 4H] activated gates i, f, g, o
        let hs: Tensor       // [T+1, B, H], hs[0] = h0
        let cs: Tensor       // [T+1, B, H], cs[0] = c0
        let tanhC: Tensor    // [T, B, H]
        init(batch: Int, time: Int, lengths: [Int], reverse: Bool, xtm: Tensor, gates: Tensor, hs: Tensor, cs: Tensor, tanhC: Tensor) {
            self.batch = batch; self.time = time; self.lengths = lengths; self.reverse = reverse
            self.xtm = xtm; self.gates = gates; self.hs = hs; self.cs = cs; self.tanhC = tanhC
        }
    }

    public func forward(_ x: Tensor, lengths: [Int]? = nil, initialState: RNNState? = nil, reverse: Bool = false)
        -> (output: Tensor, finalState: RNNState, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "LSTM expects [B, T, \(inputSize)], got \(x.shape).")
        let B = x.shape[0], T = x.shape[1], H = hiddenSize, G = 4 * H
        let lens = resolveLengths(lengths, batch: B, time: T)
        let maxLen = lens.max() ?? 0
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
        let gp = gates.data, hp = hs.data, cp = cs.data, tp = tanhC.data, whh = weightHH.value.data
        let BH = B * H
        for t in 0..<T {
            if t >= maxLen {  // every row is padding: carry the state.
                (hp + (t + 1) * BH).update(from: hp + t * BH, count: BH)
                (cp + (t + 1) * BH).update(from: cp + t * BH, count: BH)
                continue
            }
            let gt = gp + t * B * G
            BLAS.sgemm(transposeA: false, transposeB: true, m: B, n: G, k: H, alpha: 1,
                       a: hp + t * BH, lda: H, b: whh, ldb: H, beta: 1, c: gt, ldc: G)
            for b in 0..<B {
                let hPrev = hp + t * BH + b * H, cPrev = cp + t * BH + b * H
                let hNext = hp + (t + 1) * BH + b * H, cNext = cp + (t + 1) * BH + b * H
                if t < lens[b] {
                    let g = gt + b * G, tc = tp + t * BH + b * H
                    // Separate simple loops so each auto-vectorises.
                    for j in 0..<(2 * H) { g[j] = fastSigmoid(g[j]) }
                    for j in (2 * H)..<(3 * H) { g[j] = fastTanh(g[j]) }
                    for j in (3 * H)..<G { g[j] = fastSigmoid(g[j]) }
                    let ig = g, fg = g + H, cg = g + 2 * H, og = g + 3 * H
                    for j in 0..<H { cNext[j] = fg[j] * cPrev[j] + ig[j] * cg[j] }
                    for j in 0..<H { tc[j] = fastTanh(cNext[j]) }
                    for j in 0..<H { hNext[j] = og[j] * tc[j] }
                } else {
                    hNext.update(from: hPrev, count: H)
                    cNext.update(from: cPrev, count: H)
                }
            }
        }
        let output = fromTimeMajor(hs.rows(1..<(T + 1)), lengths: lens, reverse: reverse)
        let final = RNNState(h: hs.rows(T..<(T + 1)).copy().reshaped([B, H]), c: cs.rows(T..<(T + 1)).copy().reshaped([B, H]))
        let cache = Cache(batch: B, time: T, lengths: lens, reverse: reverse, xtm: xtm, gates: gates, hs: hs, cs: cs, tanhC: tanhC)
        return (output, final, cache)
    }

    public func backward(_ cache: Cache, gradOutput: Tensor?, gradFinalState: RNNState?)
        -> (gradInput: Tensor, gradInitialState: RNNState) {
        let B = cache.batch, T = cache.time, H = hiddenSize, G = 4 * H, BH = B * H
        let lens = cache.lengths
        let maxLen = lens.max() ?? 0
        let dOut = gradOutput.map { g -> Tensor in
            precondition(g.count == B * T * H, "LSTM gradOutput must be [\(B), \(T), \(H)], got \(g.shape).")
            return toTimeMajor(g.reshaped([B, T, H]), lengths: lens, reverse: cache.reverse)
        }
        let dh = Tensor(zeros: [B, H]), dc = Tensor(zeros: [B, H])
        if let s = gradFinalState {
            dh.assign(s.h)
            if let c = s.c { dc.assign(c) }
        }
        let dG = Tensor(zeros: [T, B, G])
        let gp = cache.gates.data, cp = cache.cs.data, tp = cache.tanhC.data
        let dgp = dG.data, dhp = dh.data, dcp = dc.data, whh = weightHH.value.data
        let dop = dOut?.data
        for t in stride(from: maxLen - 1, through: 0, by: -1) {
            for b in 0..<B where t < lens[b] {
                let g = gp + (t * B + b) * G, cPrev = cp + t * BH + b * H, tc = tp + t * BH + b * H
                let dg = dgp + (t * B + b) * G, dhRow = dhp + b * H, dcRow = dcp + b * H
                if let dop { let src = dop + t * BH + b * H; for j in 0..<H { dhRow[j] += src[j] } }
                for j in 0..<H {
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
            // dh_{t-1} = dG_t · W_hh (rows of padded steps have dG = 0 and keep their carried dh).
            BLAS.sgemm(transposeA: false, transposeB: false, m: B, n: H, k: G, alpha: 1,
                       a: dgp + t * B * G, lda: G, b: whh, ldb: H, beta: 1, c: dhp, ldc: H)
        }
        if weightIH.isTrainable { Tensor.gemm(dG, transposeA: true, cache.xtm, into: weightIH.gradient, beta: 1) }
        if weightHH.isTrainable { Tensor.gemm(dG, transposeA: true, cache.hs.rows(0..<T), into: weightHH.gradient, beta: 1) }
        if biasIH.isTrainable { dG.accumulateColumnSums(into: biasIH.gradient) }
        if biasHH.isTrainable { dG.accumulateColumnSums(into: biasHH.gradient) }
        let dxtm = Tensor(zeros: [T, B, inputSize])
        Tensor.gemm(dG, weightIH.value, into: dxtm)
        let dx = fromTimeMajor(dxtm, lengths: lens, reverse: cache.reverse)
        return (dx, RNNState(h: dh, c: dc))
    }
}
