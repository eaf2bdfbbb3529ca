/// Reduce-on-plateau: multiplies the rate by `factor` when the monitored metric (lower is
/// better, e.g. validation loss) has not improved by more than `threshold` (relative) for
/// `patience` consecutive observations; never below `minimumRate`.
public struct ReduceOnPlateau: Sendable, Equatable {
    public private(set) var rate: Float
    public let factor: Float
    public let patience: Int
    public let threshold: Float
    public let minimumRate: Float
    public private(set) var best: Float = .infinity
    public private(set) var badObservations = 0

    public init(
        initialRate: Float, factor: Float = 0.5, patience: Int = 2, threshold: Float = 1e-4, minimumRate: Float = 0
    ) {
        rate = initialRate; self.factor = factor; self.patience = patience
        self.threshold = threshold; self.minimumRate = minimumRate
    }

    /// Records a metric value and returns the (possibly reduced) rate.
    @discardableResult
    public mutating func observe(_ metric: Float) -> Float {
        if metric < best * (1 - threshold) || best == .infinity {
            best = metric
            badObservations = 0
        } else {
            badObservations += 1
            if badObservations > patience {
                rate = max(rate * factor, minimumRate)
                badObservations = 0
            }
        }
        return rate
    }
}
