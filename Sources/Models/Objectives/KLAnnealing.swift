import Foundation

/// The KL weight β as a function of the optimiser step (0-based), to keep the posterior from
/// collapsing early in training (Bowman et al. 2016; Fu et al. 2019).
public enum KLAnnealing: Codable, Sendable, Hashable {
    /// Always β.
    case constant(Float)
    /// From `from` to `to` linearly over `steps` steps, then `to`.
    case linear(steps: Int, from: Float = 0, to: Float = 1)
    /// Bowman et al.: 1 / (1 + exp(−k (step − x0))).
    case logistic(k: Float, x0: Int)
    /// Fu et al. 2019: every `period` steps β restarts at 0, rises linearly to 1 over the first
    /// `ratio · period` steps and stays at 1; after `cycles` cycles (if given) it stays at 1.
    case cyclical(period: Int, ratio: Float, cycles: Int? = nil)

    public func beta(at step: Int) -> Float {
        switch self {
        case let .constant(b):
            return b
        case let .linear(steps, from, to):
            guard steps > 0 else { return to }
            let f = min(1, Float(max(step, 0)) / Float(steps))
            return from + (to - from) * f
        case let .logistic(k, x0):
            return Float(1 / (1 + Foundation.exp(-Double(k) * Double(step - x0))))
        case let .cyclical(period, ratio, cycles):
            guard period > 0 else { return 1 }
            if let cycles, step >= cycles * period { return 1 }
            let position = Float(max(step, 0) % period) / Float(period)
            guard ratio > 0 else { return 1 }
            return min(1, position / ratio)
        }
    }
}
