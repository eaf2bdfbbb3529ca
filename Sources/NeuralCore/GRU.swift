import Foundation
import Support

/// One direction of one GRU layer over a padded batch (see `RecurrentLayer` for the contract).
///
/// - Input: `x [B, T, I]`; output `[B, T, H]`; state `h [B, H]` (`c` is nil).
/// - Parameters (PyTorch names and layout, gate order r, z, n):
///   `weight_ih [3H, I]`, `weight_hh [3H, H]`, `bias_ih [3H]`, `bias_hh [3H]`.
/// - Equations (PyTorch): r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h.
public final class GRULayer: FusedGateRecurrentLayer, @unchecked Sendable {
    public let inputSize: Int
    public let hiddenSize: Int
    /// The fused gate weights and biases (`weight_ih [GH, I]`, `weight_hh [GH, H]`, biases `[GH]`).
    public let weights: FusedGateWeights

    public init(inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        weights = FusedGateWeights(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
    }

    public final class Cache {
        let batch: Int, time: Int, lengths: [Int], reverse: Bool
        let xtm: Tensor  // [T, B, I]
        let gates: Tensor  // [T, B, 3H] activated r, z, n
        let gh: Tensor  // [T, B, 3H] h·W_hhᵀ + b_hh (its n part is needed for backward)
        let hs: Tensor  // [T+1, B, H]
        init(batch: Int, time: Int, lengths: [Int], reverse: Bool, xtm: Tensor, gates: Tensor, gh: Tensor, hs: Tensor) {
            self.batch = batch; self.time = time; self.lengths = lengths; self.reverse = reverse
            self.xtm = xtm; self.gates = gates; self.gh = gh; self.hs = hs
        }
    }

    public func forward(_ x: Tensor, lengths: [Int]? = nil, initialState: RNNState? = nil, reverse: Bool = false)
        -> (output: Tensor, finalState: RNNState, cache: Cache)
    {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "GRU expects [B, T, \(inputSize)], got \(x.shape).")
        let B = x.shape[0], T = x.shape[1], H = hiddenSize, G = 3 * H, BH = B * H
        let lens = resolveLengths(lengths, batch: B, time: T)
        let maxLen = lens.max() ?? 0
        let xtm = toTimeMajor(x, lengths: lens, reverse: reverse)
        let gates = Tensor(zeros: [T, B, G])
        gates.addRowVector(biasIH.value)
        Tensor.gemm(xtm, weightIH.value, transposeB: true, into: gates, beta: 1)
        let gh = Tensor(zeros: [T, B, G])
        gh.addRowVector(biasHH.value)
        let hs = Tensor(zeros: [T + 1, B, H])
        if let s = initialState {
            precondition(s.h.count == BH, "GRU initial h must be [\(B), \(H)], got \(s.h.shape).")
            hs.data.update(from: s.h.data, count: BH)
        }
        let gp = gates.data, ghp = gh.data, hp = hs.data, whh = weightHH.value.data
        for t in 0..<T {
            if t >= maxLen { (hp + (t + 1) * BH).update(from: hp + t * BH, count: BH); continue }
            let gt = gp + t * B * G, ght = ghp + t * B * G
            BLAS.sgemm(
                transposeA: false, transposeB: true, m: B, n: G, k: H, alpha: 1,
                a: hp + t * BH, lda: H, b: whh, ldb: H, beta: 1, c: ght, ldc: G)
            for b in 0..<B {
                let hPrev = hp + t * BH + b * H, hNext = hp + (t + 1) * BH + b * H
                if t < lens[b] {
                    let g = gt + b * G, a = ght + b * G
                    for j in 0..<(2 * H) { g[j] = fastSigmoid(g[j] + a[j]) }
                    for j in 0..<H { g[2 * H + j] = fastTanh(g[2 * H + j] + g[j] * a[2 * H + j]) }
                    let z = g + H, n = g + 2 * H
                    for j in 0..<H { hNext[j] = (1 - z[j]) * n[j] + z[j] * hPrev[j] }
                } else {
                    hNext.update(from: hPrev, count: H)
                }
            }
        }
        let output = fromTimeMajor(hs.rows(1..<(T + 1)), lengths: lens, reverse: reverse)
        let final = RNNState(h: hs.rows(T..<(T + 1)).copy().reshaped([B, H]))
        return (
            output, final,
            Cache(batch: B, time: T, lengths: lens, reverse: reverse, xtm: xtm, gates: gates, gh: gh, hs: hs)
        )
    }

    /// The gate gradients of one row for j in 0..<(H rounded down to 8); returns where it stopped.
    @inline(__always)
    static func backwardStepSIMD(
        g: UnsafeMutablePointer<Float>, a: UnsafeMutablePointer<Float>, hPrev: UnsafeMutablePointer<Float>,
        dhRow: UnsafeMutablePointer<Float>, di: UnsafeMutablePointer<Float>, dgh: UnsafeMutablePointer<Float>,
        H: Int
    ) -> Int {
        typealias V8 = SIMD8<Float>
        let one = V8(repeating: 1)
        func load(_ p: UnsafeMutablePointer<Float>, _ j: Int) -> V8 {
            UnsafeRawPointer(p + j).loadUnaligned(as: V8.self)
        }
        func store(_ v: V8, _ p: UnsafeMutablePointer<Float>, _ j: Int) {
            UnsafeMutableRawPointer(p + j).storeBytes(of: v, as: V8.self)
        }
        var j = 0
        while j + 8 <= H {
            let r = load(g, j), z = load(g, H + j), n = load(g, 2 * H + j)
            let d = load(dhRow, j)
            let dan = d * (one - z) * (one - n * n)
            let dar = dan * load(a, 2 * H + j) * r * (one - r)
            let daz = d * (load(hPrev, j) - n) * z * (one - z)
            store(dar, di, j); store(daz, di, H + j); store(dan, di, 2 * H + j)
            store(dar, dgh, j); store(daz, dgh, H + j); store(dan * r, dgh, 2 * H + j)
            store(d * z, dhRow, j)
            j += 8
        }
        return j
    }

    public func backward(_ cache: Cache, gradOutput: Tensor?, gradFinalState: RNNState?)
        -> (gradInput: Tensor, gradInitialState: RNNState)
    {
        let B = cache.batch, T = cache.time, H = hiddenSize, G = 3 * H, BH = B * H
        let lens = cache.lengths
        let maxLen = lens.max() ?? 0
        let dOut = gradOutput.map { g -> Tensor in
            precondition(g.count == B * T * H, "GRU gradOutput must be [\(B), \(T), \(H)], got \(g.shape).")
            return toTimeMajor(g.reshaped([B, T, H]), lengths: lens, reverse: cache.reverse)
        }
        let dh = Tensor(zeros: [B, H])
        if let s = gradFinalState { dh.assign(s.h) }
        let dGi = Tensor(zeros: [T, B, G]), dGh = Tensor(zeros: [T, B, G])
        let gp = cache.gates.data, ghp = cache.gh.data, hp = cache.hs.data
        let dip = dGi.data, dhgp = dGh.data, dhp = dh.data, whh = weightHH.value.data
        let dop = dOut?.data
        for t in stride(from: maxLen - 1, through: 0, by: -1) {
            for b in 0..<B where t < lens[b] {
                let row = (t * B + b) * G
                let g = gp + row, a = ghp + row, di = dip + row, dgh = dhgp + row
                let hPrev = hp + t * BH + b * H, dhRow = dhp + b * H
                if let dop { let src = dop + t * BH + b * H; for j in 0..<H { dhRow[j] += src[j] } }
                // Eight lanes at a time (explicit SIMD: the compiler cannot prove the rows disjoint).
                let j8 = Self.backwardStepSIMD(g: g, a: a, hPrev: hPrev, dhRow: dhRow, di: di, dgh: dgh, H: H)
                for j in j8..<H {
                    let r = g[j], z = g[H + j], n = g[2 * H + j]
                    let d = dhRow[j]
                    let dan = d * (1 - z) * (1 - n * n)
                    let dar = dan * a[2 * H + j] * r * (1 - r)
                    let daz = d * (hPrev[j] - n) * z * (1 - z)
                    di[j] = dar; di[H + j] = daz; di[2 * H + j] = dan
                    dgh[j] = dar; dgh[H + j] = daz; dgh[2 * H + j] = dan * r
                    dhRow[j] = d * z
                }
            }
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: B, n: H, k: G, alpha: 1,
                a: dhgp + t * B * G, lda: G, b: whh, ldb: H, beta: 1, c: dhp, ldc: H)
        }
        if weightIH.isTrainable { Tensor.gemm(dGi, transposeA: true, cache.xtm, into: weightIH.gradient, beta: 1) }
        if weightHH.isTrainable {
            Tensor.gemm(dGh, transposeA: true, cache.hs.rows(0..<T), into: weightHH.gradient, beta: 1)
        }
        if biasIH.isTrainable { dGi.accumulateColumnSums(into: biasIH.gradient) }
        if biasHH.isTrainable { dGh.accumulateColumnSums(into: biasHH.gradient) }
        let dxtm = Tensor(zeros: [T, B, inputSize])
        Tensor.gemm(dGi, weightIH.value, into: dxtm)
        return (fromTimeMajor(dxtm, lengths: lens, reverse: cache.reverse), RNNState(h: dh))
    }
}
