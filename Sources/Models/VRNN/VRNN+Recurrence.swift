import Foundation
import NeuralCore

/// The VRNN's step-by-step part — encoder h-half, sampling of z, φ_z and the GRU cell — as one
/// fused loop over preallocated buffers.
///
/// Why not `GRUCell` per step: at the benchmark's shapes (B = 32 per shard, H = 64) one step is a
/// few microseconds of arithmetic, and a `GRULayer` call per step added time-major copies, seven
/// tensor allocations, a cache object and, in backward, two weight-gradient GEMMs *per step*.
/// Here every weight gradient is one GEMM over all `T · B` positions after the loop, and each step
/// runs four GEMMs forward and four backward:
///
/// - h_{t−1} meets two weights, the encoder's h-half `W_eh [H, H]` and the cell's `W_hh [3H, H]`:
///   one GEMM against `W_cat = [W_eh; W_hh]` `[4H, H]` gives both (and backward, one GEMM of
///   `[dA | dG_h]` `[B, 4H]` with `W_cat` gives their dh_{t−1}).
/// - The cell's input projection `[φ_x, φ_z] · W_ihᵀ` splits like the encoder layer: the φ_x half
///   (with `b_ih`) is one GEMM over all steps before the loop, only `φ_z · W_ih,zᵀ` runs per step.
///
/// Layout: row block t (rows `t·B ..< (t+1)·B`) of every `[N, ·]` buffer (N = T·B) is step t.
extension VRNN {
    private typealias K = VRNNKernels

    /// What the recurrence keeps for the batched layers and for backward.
    struct RecurrencePass {
        let batch: Int, time: Int
        /// `[(T+1)·B, H]`: block t is h_{t−1} (block 0 zero), block T the final state.
        let hs: Tensor
        /// `[N, H]` ReLU(enc_x(φ_x) + W_eh h): the encoder's hidden layer.
        let hidden: Tensor
        /// `[N, 2Z]` μ, log σ² of q(z_t | …).
        let stats: Tensor
        /// `[N, Z]` and `[N, H]`: z_t and φ_z = ReLU(Linear(z_t)).
        let z: Tensor, fz: Tensor
        /// `[N, 3H]` the activated gates r, u (PyTorch's z), n.
        let gates: Tensor
        /// `[N, 3H]` h_{t−1} W_hhᵀ + b_hh (its n third is needed by backward).
        let gh: Tensor
        /// The weights as used: `W_cat [4H, H]`, `W_ih` split into `[3H, H]` halves.
        let wCat: Tensor, wIHx: Tensor, wIHz: Tensor

        /// h_{t−1} of every step, `[N, H]`.
        var previousStates: Tensor { hs.rows(0..<(batch * time)) }
    }

    /// The recurrence over T steps of B rows, given φ_x `[N, H]`, the encoder's x-half
    /// `ex = enc_x(φ_x)` `[N, H]` and ε `[N, Z]`.
    func recurrenceForward(fx: Tensor, ex: Tensor, epsilon: Tensor, batch B: Int, time T: Int) -> RecurrencePass {
        let c = configuration, H = c.hidden, Z = c.latent, N = B * T, G = 3 * H
        let weights = cell.layer
        let wCat = Tensor(uninitialized: [4 * H, H])
        wCat.rows(0..<H).assign(encoderH.weight.value)
        wCat.rows(H..<(4 * H)).assign(weights.weightHH.value)
        let wIH = weights.weightIH.value.data  // [3H, 2H]
        let wIHx = Tensor(uninitialized: [G, H]), wIHz = Tensor(uninitialized: [G, H])
        for r in 0..<G {
            (wIHx.data + r * H).update(from: wIH + r * 2 * H, count: H)
            (wIHz.data + r * H).update(from: wIH + r * 2 * H + H, count: H)
        }
        // The φ_x half of the cell's input projection for every step, with b_ih.
        let gates = Tensor(uninitialized: [N, G])
        let bih = weights.biasIH.value.data
        for r in 0..<N { (gates.data + r * G).update(from: bih, count: G) }
        Tensor.gemm(fx, wIHx, transposeB: true, into: gates, beta: 1)

        let hs = Tensor(uninitialized: [N + B, H])
        hs.rows(0..<B).zero()
        let hidden = Tensor(uninitialized: [N, H]), stats = Tensor(uninitialized: [N, 2 * Z])
        let z = Tensor(uninitialized: [N, Z]), fz = Tensor(uninitialized: [N, H]), gh = Tensor(uninitialized: [N, G])
        let projected = Tensor(uninitialized: [B, 4 * H])  // h_{t−1} · W_catᵀ of one step
        let bhh = weights.biasHH.value.data
        let lo = Gaussian.logVarianceRange.lowerBound, hi = Gaussian.logVarianceRange.upperBound
        for t in 0..<T {
            let first = t * B, rows = first..<(first + B)
            Tensor.gemm(hs.rows(rows), wCat, transposeB: true, into: projected)
            let pp = projected.data, exh = ex.data + first * H, ap = hidden.data + first * H, ghp = gh.data + first * G
            for b in 0..<B {
                let p = pp + b * 4 * H, e = exh + b * H, a = ap + b * H, g = ghp + b * G
                var j = 0
                while j + 8 <= H { K.store(K.relu(K.load(e + j) + K.load(p + j)), a + j); j += 8 }
                while j < H { let v = e[j] + p[j]; a[j] = v > 0 ? v : 0; j += 1 }
                j = 0
                while j + 8 <= G { K.store(K.load(p + H + j) + K.load(bhh + j), g + j); j += 8 }
                while j < G { g[j] = p[H + j] + bhh[j]; j += 1 }
            }
            Self.affine(hidden.rows(rows), encoderStats, into: stats.rows(rows))
            // z = μ + exp(½ log σ²) ε (log σ² clamped as NeuralCore's Gaussian).
            let sp = stats.data + first * 2 * Z, ep = epsilon.data + first * Z, zp = z.data + first * Z
            for b in 0..<B {
                let s = sp + b * 2 * Z, e = ep + b * Z, zr = zp + b * Z
                var j = 0
                while j + 8 <= Z {
                    K.store(K.load(s + j) + K.exp(0.5 * K.clamp(K.load(s + Z + j), lo, hi)) * K.load(e + j), zr + j)
                    j += 8
                }
                for j in j..<Z {
                    var lv = s[Z + j]
                    lv = lv < lo ? lo : (lv > hi ? hi : lv)
                    zr[j] = s[j] + VRNNKernels.exp(0.5 * lv) * e[j]
                }
            }
            let fzt = fz.rows(rows)
            Self.affine(z.rows(rows), phiZ, into: fzt)
            Self.relu(fzt)
            Tensor.gemm(fzt, wIHz, transposeB: true, into: gates.rows(rows), beta: 1)
            // The GRU update (PyTorch's equations; u is PyTorch's z gate).
            let gp = gates.data + first * G, hp = hs.data + first * H, hn = hs.data + (first + B) * H
            for b in 0..<B {
                let g = gp + b * G, a = ghp + b * G, hPrev = hp + b * H, hNext = hn + b * H
                var j = 0
                while j + 8 <= 2 * H { K.store(K.sigmoid(K.load(g + j) + K.load(a + j)), g + j); j += 8 }
                for j in j..<(2 * H) { g[j] = VRNNKernels.sigmoid(g[j] + a[j]) }
                j = 0
                while j + 8 <= H {
                    let n = K.tanh(K.load(g + 2 * H + j) + K.load(g + j) * K.load(a + 2 * H + j)), u = K.load(g + H + j)
                    K.store(n, g + 2 * H + j)
                    K.store((1 - u) * n + u * K.load(hPrev + j), hNext + j)
                    j += 8
                }
                for j in j..<H {
                    let n = VRNNKernels.tanh(g[2 * H + j] + g[j] * a[2 * H + j]), u = g[H + j]
                    g[2 * H + j] = n
                    hNext[j] = (1 - u) * n + u * hPrev[j]
                }
            }
        }
        return RecurrencePass(
            batch: B, time: T, hs: hs, hidden: hidden, stats: stats, z: z, fz: fz, gates: gates, gh: gh,
            wCat: wCat, wIHx: wIHx, wIHz: wIHz)
    }

    /// Gradients of the recurrence's outputs from the batched layers and the loss.
    struct RecurrenceGradients {
        /// dL/dh_{t−1} from the prior and decoder, `[N, H]`.
        var previousStates: Tensor
        /// dL/dφ_z from the decoder, `[N, H]`.
        var fz: Tensor
        /// The KL's own dL/d(μ, log σ²) of q, `[N, 2Z]`.
        var statsQ: Tensor
    }

    /// Back through the recurrence: accumulates the gradients of `enc_h`, `enc_stats`, `phi_z` and
    /// the cell, and returns dL/d(encoder pre-activation) `[N, H]` (for `enc_x`) and dL/dφ_x from
    /// the cell `[N, H]`.
    func recurrenceBackward(_ pass: RecurrencePass, fx: Tensor, epsilon: Tensor, gradients d: RecurrenceGradients)
        -> (hiddenPre: Tensor, fxFromCell: Tensor)
    {
        let c = configuration, B = pass.batch, T = pass.time, H = c.hidden, Z = c.latent, N = B * T, G = 3 * H
        let weights = cell.layer
        // Per step: dA = dL/d(encoder pre-activation) and dG_h = dL/d(h W_hhᵀ + b_hh), side by
        // side as `[dA | dG_h]`, the row layout of W_cat's output.
        let dCat = Tensor(uninitialized: [N, 4 * H])
        let dGi = Tensor(uninitialized: [N, G])  // dL/d(x W_ihᵀ + b_ih)
        let dStats = Tensor(uninitialized: [N, 2 * Z])
        let dfzPre = Tensor(uninitialized: [N, H])
        var carry = Tensor(zeros: [B, H]), next = Tensor(uninitialized: [B, H])  // dL/dh_t, dL/dh_{t−1}
        let scratch = Tensor(uninitialized: [B, H]), dz = Tensor(uninitialized: [B, Z])
        let lo = Gaussian.logVarianceRange.lowerBound, hi = Gaussian.logVarianceRange.upperBound
        for t in stride(from: T - 1, through: 0, by: -1) {
            let first = t * B, rows = first..<(first + B)
            // The GRU update backward.
            let gp = pass.gates.data + first * G, ghp = pass.gh.data + first * G, hp = pass.hs.data + first * H
            let dcp = dCat.data + first * 4 * H, dip = dGi.data + first * G
            let carryp = carry.data, nextp = next.data, dhsp = d.previousStates.data + first * H
            for b in 0..<B {
                let g = gp + b * G, a = ghp + b * G, hPrev = hp + b * H, dh = carryp + b * H
                let di = dip + b * G, dg = dcp + b * 4 * H + H, out = nextp + b * H, fromLayers = dhsp + b * H
                var j = 0
                while j + 8 <= H {
                    let r = K.load(g + j), u = K.load(g + H + j), n = K.load(g + 2 * H + j), dhj = K.load(dh + j)
                    let dan = dhj * (1 - u) * (1 - n * n)
                    let dar = dan * K.load(a + 2 * H + j) * r * (1 - r)
                    let dau = dhj * (K.load(hPrev + j) - n) * u * (1 - u)
                    K.store(dar, di + j); K.store(dau, di + H + j); K.store(dan, di + 2 * H + j)
                    K.store(dar, dg + j); K.store(dau, dg + H + j); K.store(dan * r, dg + 2 * H + j)
                    K.store(dhj * u + K.load(fromLayers + j), out + j)
                    j += 8
                }
                for j in j..<H {
                    let r = g[j], u = g[H + j], n = g[2 * H + j], dhj = dh[j]
                    let dan = dhj * (1 - u) * (1 - n * n)
                    let dar = dan * a[2 * H + j] * r * (1 - r)
                    let dau = dhj * (hPrev[j] - n) * u * (1 - u)
                    di[j] = dar; di[H + j] = dau; di[2 * H + j] = dan
                    dg[j] = dar; dg[H + j] = dau; dg[2 * H + j] = dan * r
                    out[j] = dhj * u + fromLayers[j]
                }
            }
            // φ_z: from the cell input and from the decoder, through its ReLU.
            Tensor.gemm(dGi.rows(rows), pass.wIHz, into: scratch)
            let sp = scratch.data, fzp = pass.fz.data + first * H, dfd = d.fz.data + first * H,
                dfp = dfzPre.data + first * H
            var i = 0
            while i + 8 <= B * H {
                K.store(K.passWherePositive(K.load(sp + i) + K.load(dfd + i), K.load(fzp + i)), dfp + i); i += 8
            }
            for i in i..<(B * H) { dfp[i] = fzp[i] > 0 ? sp[i] + dfd[i] : 0 }
            Tensor.gemm(dfzPre.rows(rows), phiZ.weight.value, into: dz)
            // Reparameterisation and the KL's own gradient into d(μ, log σ²).
            let stp = pass.stats.data + first * 2 * Z, ep = epsilon.data + first * Z, dzp = dz.data
            let gmq = d.statsQ.data + first * 2 * Z, dsp = dStats.data + first * 2 * Z
            for b in 0..<B {
                var j = 0
                while j + 8 <= Z {
                    let i = b * Z + j, raw = K.load(stp + b * 2 * Z + Z + j), g = K.load(dzp + i)
                    K.store(g + K.load(gmq + b * 2 * Z + j), dsp + b * 2 * Z + j)
                    let through = K.passWherePositive(
                        g * K.load(ep + i) * 0.5 * K.exp(0.5 * K.clamp(raw, lo, hi)),
                        K.V8(repeating: 1).replacing(with: 0, where: (raw .< lo) .| (raw .> hi)))
                    K.store(through + K.load(gmq + b * 2 * Z + Z + j), dsp + b * 2 * Z + Z + j)
                    j += 8
                }
                for j in j..<Z {
                    let i = b * Z + j, raw = stp[b * 2 * Z + Z + j]
                    let inside = raw >= lo && raw <= hi
                    let lv = raw < lo ? lo : (raw > hi ? hi : raw)
                    dsp[b * 2 * Z + j] = dzp[i] + gmq[b * 2 * Z + j]
                    dsp[b * 2 * Z + Z + j] =
                        (inside ? dzp[i] * ep[i] * 0.5 * VRNNKernels.exp(0.5 * lv) : 0) + gmq[b * 2 * Z + Z + j]
                }
            }
            // The encoder's hidden layer, through its ReLU.
            Tensor.gemm(dStats.rows(rows), encoderStats.weight.value, into: scratch)
            let ap = pass.hidden.data + first * H
            for b in 0..<B {
                let a = ap + b * H, s = sp + b * H, da = dcp + b * 4 * H
                var j = 0
                while j + 8 <= H { K.store(K.passWherePositive(K.load(s + j), K.load(a + j)), da + j); j += 8 }
                for j in j..<H { da[j] = a[j] > 0 ? s[j] : 0 }
            }
            // dL/dh_{t−1} = dh_t ⊙ u + (prior, decoder) + [dA | dG_h] · W_cat.
            Tensor.gemm(dCat.rows(rows), pass.wCat, into: next, beta: 1)
            swap(&carry, &next)
        }

        // Weight gradients, one GEMM each over all steps.
        let gCat = Tensor(zeros: [4 * H, H])
        Tensor.gemm(dCat, transposeA: true, pass.previousStates, into: gCat)
        encoderH.weight.gradient.add(gCat.rows(0..<H))
        weights.weightHH.gradient.add(gCat.rows(H..<(4 * H)))
        let catSums = Tensor(zeros: [4 * H])
        dCat.accumulateColumnSums(into: catSums)
        weights.biasHH.gradient.add(catSums.rows(H..<(4 * H)))
        let cellInput = Tensor(uninitialized: [N, 2 * H])
        for r in 0..<N {
            (cellInput.data + r * 2 * H).update(from: fx.data + r * H, count: H)
            (cellInput.data + r * 2 * H + H).update(from: pass.fz.data + r * H, count: H)
        }
        Tensor.gemm(dGi, transposeA: true, cellInput, into: weights.weightIH.gradient, beta: 1)
        dGi.accumulateColumnSums(into: weights.biasIH.gradient)
        encoderStats.backward(input: pass.hidden, gradOutput: dStats, needInputGradient: false)
        phiZ.backward(input: pass.z, gradOutput: dfzPre, needInputGradient: false)
        let fxFromCell = Tensor(uninitialized: [N, H])
        Tensor.gemm(dGi, pass.wIHx, into: fxFromCell)
        let hiddenPre = Tensor(uninitialized: [N, H])
        for r in 0..<N { (hiddenPre.data + r * H).update(from: dCat.data + r * 4 * H, count: H) }
        return (hiddenPre, fxFromCell)
    }
}
