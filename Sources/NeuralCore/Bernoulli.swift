import Foundation

/// Bernoulli likelihood with logits (stable: log(1 + e^ℓ) via softplus).
public enum Bernoulli {
    /// Negative log-likelihood per row, −Σ [x ℓ − softplus(ℓ)], for targets x ∈ [0, 1] and logits ℓ,
    /// with the gradient dℓ = (σ(ℓ) − x) · gradientScale.
    public static func negativeLogLikelihood(x: Tensor, logits: Tensor, gradientScale: Float = 1)
        -> (perRow: [Float], gradLogits: Tensor)
    {
        precondition(x.count == logits.count)
        let N = x.rowCount, D = x.lastDimension
        let dl = Tensor(zeros: logits.shape)
        let xp = x.data, l = logits.data, g = dl.data
        var out = [Float](repeating: 0, count: N)
        for r in 0..<N {
            var s = 0.0
            for j in 0..<D {
                let i = r * D + j
                let v = l[i]
                let softplus = max(v, 0) + Foundation.log1p(Foundation.exp(-abs(v)))
                s += Double(softplus - xp[i] * v)
                g[i] = gradientScale * (stableSigmoid(v) - xp[i])
            }
            out[r] = Float(s)
        }
        return (out, dl)
    }
}
