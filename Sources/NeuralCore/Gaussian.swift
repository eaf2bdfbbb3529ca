import Foundation
import Support

/// Diagonal-Gaussian utilities for VAEs and the VRNN. Tensors are `[N, D]` (N rows = sequences or
/// batch entries, D latent dimensions); per-row results are `[N]` arrays.
///
/// Numerical safety: every log-variance is clamped to `[−20, 20]` (variance e^±20 ≈ 2·10⁻⁹…5·10⁸)
/// before exponentiation; the gradient through the clamp is zero outside that range, as for
/// `torch.clamp`. Sums are accumulated in Double.
public enum Gaussian {
    /// The clamp range for log-variances.
    public static let logVarianceRange: ClosedRange<Float> = -20...20

    @inline(__always) static func clamp(_ v: Float) -> (Float, Bool) {
        if v < logVarianceRange.lowerBound { return (logVarianceRange.lowerBound, false) }
        if v > logVarianceRange.upperBound { return (logVarianceRange.upperBound, false) }
        return (v, true)
    }

    /// z = μ + exp(½ log σ²) ⊙ ε with ε ~ N(0, I) drawn from `rng`. Returns z and ε (keep ε for backward).
    public static func reparameterize(mean: Tensor, logVariance: Tensor, rng: inout RandomGenerator) -> (
        z: Tensor, epsilon: Tensor
    ) {
        precondition(mean.count == logVariance.count)
        let eps = Tensor.normal(mean.shape, rng: &rng)
        let z = Tensor(zeros: mean.shape)
        let m = mean.data, lv = logVariance.data, e = eps.data, o = z.data
        for i in 0..<z.count { o[i] = m[i] + Foundation.exp(0.5 * clamp(lv[i]).0) * e[i] }
        return (z, eps)
    }

    /// Given dL/dz returns (dL/dμ, dL/d log σ²) = (dz, dz ⊙ ε ⊙ ½ exp(½ log σ²)).
    public static func reparameterizeBackward(gradZ: Tensor, epsilon: Tensor, logVariance: Tensor) -> (
        gradMean: Tensor, gradLogVariance: Tensor
    ) {
        let dMean = gradZ.copy(), dLV = Tensor(zeros: gradZ.shape)
        let g = gradZ.data, e = epsilon.data, lv = logVariance.data, o = dLV.data
        for i in 0..<gradZ.count {
            let (v, inside) = clamp(lv[i])
            o[i] = inside ? g[i] * e[i] * 0.5 * Foundation.exp(0.5 * v) : 0
        }
        return (dMean, dLV)
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_d (σ² + μ² − 1 − log σ²) per row, with gradients
    /// scaled by `gradientScale` (e.g. β / batch): dμ = μ, d log σ² = ½ (σ² − 1).
    public static func klToStandardNormal(mean: Tensor, logVariance: Tensor, gradientScale: Float = 1)
        -> (perRow: [Float], gradMean: Tensor, gradLogVariance: Tensor)
    {
        precondition(mean.count == logVariance.count)
        let N = mean.rowCount, D = mean.lastDimension
        let dm = Tensor(zeros: mean.shape), dlv = Tensor(zeros: mean.shape)
        let m = mean.data, lv = logVariance.data, gm = dm.data, gl = dlv.data
        var out = [Float](repeating: 0, count: N)
        for r in 0..<N {
            var s = 0.0
            for j in 0..<D {
                let i = r * D + j
                let (v, inside) = clamp(lv[i])
                let variance = Foundation.exp(v)
                s += Double(variance + m[i] * m[i] - 1 - v)
                gm[i] = gradientScale * m[i]
                gl[i] = inside ? gradientScale * 0.5 * (variance - 1) : 0
            }
            out[r] = Float(0.5 * s)
        }
        return (out, dm, dlv)
    }

    /// KL(q ‖ p) between diagonal Gaussians q = N(μq, σq²), p = N(μp, σp²) per row:
    /// ½ Σ (log σp² − log σq² + (σq² + (μq − μp)²) / σp² − 1). Gradients (scaled by
    /// `gradientScale`) for all four inputs, e.g. VRNN posterior vs. learned prior.
    public static func kl(
        meanQ: Tensor, logVarianceQ: Tensor, meanP: Tensor, logVarianceP: Tensor, gradientScale: Float = 1
    )
        -> (perRow: [Float], gradMeanQ: Tensor, gradLogVarianceQ: Tensor, gradMeanP: Tensor, gradLogVarianceP: Tensor)
    {
        let n = meanQ.count
        precondition(logVarianceQ.count == n && meanP.count == n && logVarianceP.count == n)
        let N = meanQ.rowCount, D = meanQ.lastDimension
        let dmq = Tensor(zeros: meanQ.shape), dlq = Tensor(zeros: meanQ.shape)
        let dmp = Tensor(zeros: meanQ.shape), dlp = Tensor(zeros: meanQ.shape)
        let mq = meanQ.data, lq = logVarianceQ.data, mp = meanP.data, lp = logVarianceP.data
        var out = [Float](repeating: 0, count: N)
        for r in 0..<N {
            var s = 0.0
            for j in 0..<D {
                let i = r * D + j
                let (vq, inQ) = clamp(lq[i]), (vp, inP) = clamp(lp[i])
                let varQ = Foundation.exp(vq), invVarP = Foundation.exp(-vp)
                let diff = mq[i] - mp[i]
                let ratio = (varQ + diff * diff) * invVarP
                s += Double(vp - vq + ratio - 1)
                dmq.data[i] = gradientScale * diff * invVarP
                dmp.data[i] = -gradientScale * diff * invVarP
                dlq.data[i] = inQ ? gradientScale * 0.5 * (varQ * invVarP - 1) : 0
                dlp.data[i] = inP ? gradientScale * 0.5 * (1 - ratio) : 0
            }
            out[r] = Float(0.5 * s)
        }
        return (out, dmq, dlq, dmp, dlp)
    }

    /// Negative log-likelihood of `x` under N(μ, σ²) per row: ½ Σ (log 2π + log σ² + (x − μ)²/σ²),
    /// with scaled gradients dμ = −(x − μ)/σ², d log σ² = ½ (1 − (x − μ)²/σ²).
    public static func negativeLogLikelihood(x: Tensor, mean: Tensor, logVariance: Tensor, gradientScale: Float = 1)
        -> (perRow: [Float], gradMean: Tensor, gradLogVariance: Tensor)
    {
        let n = x.count
        precondition(mean.count == n && logVariance.count == n)
        let N = x.rowCount, D = x.lastDimension
        let dm = Tensor(zeros: x.shape), dl = Tensor(zeros: x.shape)
        let xp = x.data, m = mean.data, lv = logVariance.data
        let log2pi = Float(Foundation.log(2 * Double.pi))
        var out = [Float](repeating: 0, count: N)
        for r in 0..<N {
            var s = 0.0
            for j in 0..<D {
                let i = r * D + j
                let (v, inside) = clamp(lv[i])
                let invVar = Foundation.exp(-v), diff = xp[i] - m[i]
                let q = diff * diff * invVar
                s += Double(log2pi + v + q)
                dm.data[i] = -gradientScale * diff * invVar
                dl.data[i] = inside ? gradientScale * 0.5 * (1 - q) : 0
            }
            out[r] = Float(0.5 * s)
        }
        return (out, dm, dl)
    }
}
