import Foundation
import NeuralCore

extension VRNN {
    /// KL(q_t ‖ p_t) between the posterior and the learned prior of every position, fused:
    /// ½ Σ_d (log σp² − log σq² + (σq² + (μq − μp)²) / σp² − 1), the same as NeuralCore's
    /// `Gaussian.kl` (log-variances clamped to its range, no gradient outside it), but reading
    /// `[μ | log σ²]` rows `[N, 2Z]` in place and writing the gradients (scaled by
    /// `gradientScale`) in that layout — the layout `enc_stats` and `prior_stats` produce and
    /// back-propagate — with eight-lane exps: `Gaussian.kl` took a tenth of the step in splits,
    /// four allocations and library `exp` calls.
    /// - Returns: the sum over all positions (Double), each position's KL `[N]`, and
    ///   d/d(posterior stats), d/d(prior stats).
    func klToPrior(posterior q: Tensor, prior p: Tensor, gradientScale s: Float) -> (
        total: Double, perRow: [Double], gradQ: Tensor, gradP: Tensor
    ) {
        typealias K = VRNNKernels
        let N = q.rowCount, Z = configuration.latent, W = 2 * Z
        precondition(q.lastDimension == W && p.shape == q.shape, "VRNN.klToPrior: \(q.shape) vs \(p.shape).")
        let gq = Tensor(uninitialized: q.shape), gp = Tensor(uninitialized: q.shape)
        let lo = Gaussian.logVarianceRange.lowerBound, hi = Gaussian.logVarianceRange.upperBound
        var total = 0.0
        var perRow = [Double](repeating: 0, count: N)
        for r in 0..<N {
            let qr = q.data + r * W, pr = p.data + r * W, dq = gq.data + r * W, dp = gp.data + r * W
            var lanes = K.V8()
            var j = 0
            while j + 8 <= Z {
                let rawQ = K.load(qr + Z + j), rawP = K.load(pr + Z + j)
                let vq = K.clamp(rawQ, lo, hi), vp = K.clamp(rawP, lo, hi)
                let varQ = K.exp(vq), invVarP = K.exp(-vp), diff = K.load(qr + j) - K.load(pr + j)
                let ratio = (varQ + diff * diff) * invVarP
                lanes += vp - vq + ratio - 1
                let dm = s * diff * invVarP
                K.store(dm, dq + j); K.store(-dm, dp + j)
                let outQ = (rawQ .< lo) .| (rawQ .> hi), outP = (rawP .< lo) .| (rawP .> hi)
                K.store((s * 0.5 * (varQ * invVarP - 1)).replacing(with: 0, where: outQ), dq + Z + j)
                K.store((s * 0.5 * (1 - ratio)).replacing(with: 0, where: outP), dp + Z + j)
                j += 8
            }
            var row = Double(lanes.sum())
            for j in j..<Z {
                let rawQ = qr[Z + j], rawP = pr[Z + j]
                let vq = min(max(rawQ, lo), hi), vp = min(max(rawP, lo), hi)
                let varQ = K.exp(vq), invVarP = K.exp(-vp), diff = qr[j] - pr[j]
                let ratio = (varQ + diff * diff) * invVarP
                row += Double(vp - vq + ratio - 1)
                dq[j] = s * diff * invVarP
                dp[j] = -dq[j]
                dq[Z + j] = rawQ >= lo && rawQ <= hi ? s * 0.5 * (varQ * invVarP - 1) : 0
                dp[Z + j] = rawP >= lo && rawP <= hi ? s * 0.5 * (1 - ratio) : 0
            }
            perRow[r] = 0.5 * row
            total += 0.5 * row
        }
        return (total, perRow, gq, gp)
    }
}
