import NeuralCore

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
