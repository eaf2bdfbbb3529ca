import Foundation

/// A learning rate as a function of the epoch (or step) number.
public enum LearningRateSchedule: Sendable, Equatable {
    /// Always `rate`.
    case constant(Float)
    /// `initial · factor^⌊epoch / every⌋`.
    case stepDecay(initial: Float, factor: Float, every: Int)

    /// The rate at `epoch` (0-based).
    public func rate(at epoch: Int) -> Float {
        switch self {
        case let .constant(r): return r
        case let .stepDecay(initial, factor, every):
            return initial * Foundation.pow(factor, Float(epoch / max(every, 1)))
        }
    }
}
