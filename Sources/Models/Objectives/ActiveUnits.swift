import Foundation
import NeuralCore
import Support

/// Active units (Burda et al. 2016): a latent dimension is active when the posterior mean μ_d(x)
/// varies across the data, Var_x[μ_d(x)] > threshold (0.01). Accumulates sums in Double over a
/// whole validation or test set, batch by batch.
public struct ActiveUnitsAccumulator: Sendable {
    public let latent: Int
    public private(set) var count = 0
    private var sum: [Double]
    private var sumOfSquares: [Double]

    public init(latent: Int) {
        self.latent = latent
        sum = [Double](repeating: 0, count: latent)
        sumOfSquares = sum
    }

    /// Adds the posterior means of a batch, `[B, latent]`.
    public mutating func add(means: Tensor) {
        precondition(means.lastDimension == latent, "ActiveUnitsAccumulator: means \(means.shape), latent \(latent).")
        let p = means.data
        for r in 0..<means.rowCount {
            for d in 0..<latent { let x = Double(p[r * latent + d]); sum[d] += x; sumOfSquares[d] += x * x }
        }
        count += means.rowCount
    }

    /// The population variance of each dimension's mean over everything added.
    public var variances: [Double] {
        guard count > 0 else { return [Double](repeating: 0, count: latent) }
        let n = Double(count)
        return (0..<latent).map { d in max(0, sumOfSquares[d] / n - (sum[d] / n) * (sum[d] / n)) }
    }

    /// The number of dimensions whose variance exceeds `threshold`.
    public func activeCount(threshold: Double = 0.01) -> Int { variances.filter { $0 > threshold }.count }
}

/// Mutual information between x and z under the encoder's joint q(x, z) = p_data(x) q(z|x),
/// estimated on one batch as in Hoffman & Johnson 2016 / He et al. 2019:
///
///     I_q(x; z) = E_x E_{q(z|x)} [log q(z|x)] − E_{q(z)} [log q(z)]
///
/// The first term is minus the Gaussian entropy, −½ Σ_d (log 2π + 1 + log σ²_d), averaged over
/// x; for the second, one z_i ~ q(z|x_i) per row and the aggregate posterior q(z_i) is the
/// batch mixture (1/N) Σ_j q(z_i|x_j) (log-sum-exp in Double). Biased for small batches.
public enum MutualInformation {
    public static func estimate(means: Tensor, logVariances: Tensor, rng: inout RandomGenerator) -> Double {
        let N = means.rowCount, Z = means.lastDimension
        precondition(N > 0 && logVariances.count == means.count)
        let range = Gaussian.logVarianceRange
        let log2pi = Foundation.log(2 * Double.pi)
        let m = means.data, l = logVariances.data
        var lv = [Double](repeating: 0, count: N * Z)
        for i in 0..<(N * Z) { lv[i] = Double(min(max(l[i], range.lowerBound), range.upperBound)) }
        var negativeEntropy = 0.0
        for i in 0..<(N * Z) { negativeEntropy += -0.5 * (log2pi + 1 + lv[i]) }
        negativeEntropy /= Double(N)
        var z = [Double](repeating: 0, count: N * Z)
        for i in 0..<(N * Z) { z[i] = Double(m[i]) + Foundation.exp(0.5 * lv[i]) * Double(rng.nextNormal()) }
        var logAggregate = 0.0
        var terms = [Double](repeating: 0, count: N)
        for i in 0..<N {
            for j in 0..<N {
                var s = 0.0
                for d in 0..<Z {
                    let diff = z[i * Z + d] - Double(m[j * Z + d])
                    s += log2pi + lv[j * Z + d] + diff * diff * Foundation.exp(-lv[j * Z + d])
                }
                terms[j] = -0.5 * s
            }
            logAggregate += logSumExp(terms) - Foundation.log(Double(N))
        }
        return negativeEntropy - logAggregate / Double(N)
    }
}

/// log Σ exp(x_i), max-subtracted.
func logSumExp(_ x: [Double]) -> Double {
    guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
    return m + Foundation.log(x.reduce(0.0) { $0 + Foundation.exp($1 - m) })
}
