import Foundation
import Support

/// Turning logits into probabilities and tokens, for step-wise generation.
/// Logits are `[N, V]` (one row per sequence); results have one entry per row.
public enum Sampling {
    /// Row-wise softmax of `logits / temperature` as a new `[N, V]` tensor (max-subtracted).
    public static func softmax(_ logits: Tensor, temperature: Float = 1) -> Tensor {
        precondition(temperature > 0, "Temperature must be positive, got \(temperature).")
        let V = logits.lastDimension
        let out = Tensor(uninitialized: logits.shape)
        let inv = 1 / temperature
        for r in 0..<logits.rowCount {
            let x = logits.data + r * V, y = out.data + r * V
            let m = fastMax(x, V)
            for j in 0..<V { y[j] = fastExp((x[j] - m) * inv) }
            let k = 1 / fastSum(y, V)
            for j in 0..<V { y[j] *= k }
        }
        return out
    }

    /// Row-wise log-softmax (log-probabilities) as a new `[N, V]` tensor.
    public static func logSoftmax(_ logits: Tensor) -> Tensor {
        let V = logits.lastDimension
        let out = Tensor(uninitialized: logits.shape)
        for r in 0..<logits.rowCount {
            let x = logits.data + r * V, y = out.data + r * V
            let m = fastMax(x, V)
            for j in 0..<V { y[j] = fastExp(x[j] - m) }
            let logS = Foundation.log(fastSum(y, V))
            for j in 0..<V { y[j] = (x[j] - m) - logS }  // (x − m) first: exact for large logits
        }
        return out
    }

    /// The index of the largest logit of each row (the first one on ties).
    public static func argmax(_ logits: Tensor) -> [Int] {
        let V = logits.lastDimension
        return (0..<logits.rowCount).map { r in
            let x = logits.data + r * V
            var best = 0
            for j in 1..<max(V, 1) where x[j] > x[best] { best = j }
            return best
        }
    }

    /// One token per row drawn from softmax(logits / temperature) with the caller's generator
    /// (inverse-CDF sampling, one uniform draw per row; deterministic for a given seed).
    public static func sample(_ logits: Tensor, temperature: Float = 1, rng: inout RandomGenerator) -> [Int] {
        let p = softmax(logits, temperature: temperature)
        let V = logits.lastDimension
        return (0..<logits.rowCount).map { r in
            let row = p.data + r * V
            let u = rng.nextUniform()
            var cumulative: Float = 0
            for j in 0..<V {
                cumulative += row[j]
                if u < cumulative { return j }
            }
            return V - 1  // rounding: u ≥ Σp
        }
    }
}
