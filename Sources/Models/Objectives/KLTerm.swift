import Foundation
import NeuralCore

/// KL(N(μ, σ²) ‖ N(0, I)) for a batch, with optional free bits.
///
/// Per row b and dimension d: kl_bd = ½ (σ² + μ² − 1 − log σ²). The loss term is
/// `Σ_d K_d` with `K_d = mean_b kl_bd`, or with free bits `Σ_d max(freeBits, K_d)`: dimensions
/// whose batch-mean KL is under the floor contribute the constant and get no gradient, so the
/// model is not pushed to collapse them further (Kingma et al. 2016, per-dimension variant).
/// Log-variances are clamped to NeuralCore's range, as in `Gaussian`.
struct KLTerm {
    /// kl summed over dimensions, per row `[B]`.
    var perRow: [Double]
    /// K_d, `[Z]`.
    var perDimension: [Double]
    /// The loss term: Σ_d K_d, or Σ_d max(freeBits, K_d).
    var lossTerm: Double
    /// d(scale · lossTerm)/dμ and /d log σ², `[B, Z]` (nil when not requested).
    var gradMean: Tensor?
    var gradLogVariance: Tensor?

    /// - Parameter batchDimensionMeans: K_d of the whole batch when `mean` holds only a slice of
    ///   it (data-parallel training); the free-bits decision and the loss term then use them.
    init(
        mean: Tensor, logVariance: Tensor, freeBits: Float, gradientScale: Float?, batchDimensionMeans: [Double]? = nil
    ) {
        let B = mean.rowCount, Z = mean.lastDimension
        let m = mean.data, lv = logVariance.data
        let (rows, sums) = Self.sums(mean: mean, logVariance: logVariance)
        var dims = sums
        for d in 0..<Z { dims[d] /= Double(max(B, 1)) }
        if let batchDimensionMeans {
            precondition(
                batchDimensionMeans.count == Z, "KLTerm: \(batchDimensionMeans.count) batch means for \(Z) dimensions.")
            dims = batchDimensionMeans
        }
        let range = Gaussian.logVarianceRange
        perRow = rows
        perDimension = dims
        let active = dims.map { freeBits <= 0 || $0 > Double(freeBits) }
        lossTerm = zip(dims, active).reduce(0.0) { $0 + ($1.1 ? $1.0 : Double(freeBits)) }
        guard let scale = gradientScale else { return }
        let gm = Tensor(zeros: mean.shape), gl = Tensor(zeros: mean.shape)
        let gmp = gm.data, glp = gl.data
        for b in 0..<B {
            for d in 0..<Z where active[d] {
                let i = b * Z + d
                let raw = lv[i]
                let inside = raw >= range.lowerBound && raw <= range.upperBound
                let v = min(max(raw, range.lowerBound), range.upperBound)
                gmp[i] = scale * m[i]
                glp[i] = inside ? scale * 0.5 * (Foundation.exp(v) - 1) : 0
            }
        }
        gradMean = gm
        gradLogVariance = gl
    }

    /// Σ_d kl_bd per row `[B]` and Σ_b kl_bd per dimension `[Z]`.
    static func sums(mean: Tensor, logVariance: Tensor) -> (perRow: [Double], perDimension: [Double]) {
        let B = mean.rowCount, Z = mean.lastDimension
        let range = Gaussian.logVarianceRange
        let m = mean.data, lv = logVariance.data
        var rows = [Double](repeating: 0, count: B), dims = [Double](repeating: 0, count: Z)
        for b in 0..<B {
            for d in 0..<Z {
                let v = min(max(lv[b * Z + d], range.lowerBound), range.upperBound)
                let mu = m[b * Z + d]
                let k = 0.5 * Double(Foundation.exp(v) + mu * mu - 1 - v)
                rows[b] += k
                dims[d] += k
            }
        }
        return (rows, dims)
    }

    /// K_d of a whole batch from the posteriors of its slices (`[b_i, Z]` each): what free bits
    /// decide on when the batch runs in slices. Nil without free bits (nothing needs it).
    static func batchDimensionMeans(
        ofSlices slices: [(mean: Tensor, logVariance: Tensor)], latent: Int,
        batchSize: Int, objective: ObjectiveSettings
    ) -> [Double]? {
        guard objective.freeBits > 0 else { return nil }
        var sums = [Double](repeating: 0, count: latent)
        for slice in slices {
            let s = Self.sums(mean: slice.mean, logVariance: slice.logVariance).perDimension
            for d in sums.indices { sums[d] += s[d] }
        }
        return sums.map { $0 / Double(batchSize) }
    }

    /// The metrics of a batch run in slices: sums of the slices' (each already divided by the
    /// whole batch's size); with free bits the optimised KL term is Σ_d max(floor, K_d) of the
    /// whole batch (`batchDimensionMeans`), not the slices' sum.
    static func mergedMetrics(
        _ slices: [StepMetrics], batchDimensionMeans: [Double]?, objective: ObjectiveSettings,
        batchSize: Int
    ) -> StepMetrics {
        let reconstruction = slices.reduce(0) { $0 + $1.reconstruction }
        let kl = slices.reduce(0) { $0 + $1.kl }
        let klTerm = batchDimensionMeans.map { $0.reduce(0.0) { $0 + max($1, Double(objective.freeBits)) } } ?? kl
        return StepMetrics(
            loss: reconstruction + Double(objective.beta) * klTerm, reconstruction: reconstruction, kl: kl,
            tokens: slices.reduce(0) { $0 + $1.tokens }, sentences: batchSize)
    }
}
