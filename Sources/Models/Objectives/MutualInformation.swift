import Foundation
import NeuralCore
import Support

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
