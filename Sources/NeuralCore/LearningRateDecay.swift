import Foundation

/// A learning rate that holds for the first part of a run's budget and then falls to a share of
/// itself by the budget's end.
///
/// A run with a fixed budget learns most from its last stretch when the rate comes down: steps
/// then settle into a minimum instead of bouncing around it. The budget's progress (0 at the
/// start, 1 at the end) is given by the caller, from steps or from the clock.
public struct LearningRateDecay: Sendable, Equatable {
    /// How the rate falls between `after` and the end of the budget.
    public enum Shape: String, Sendable, Codable, CaseIterable {
        /// In a straight line.
        case linear
        /// Along half a cosine wave: slowly at first and at the end.
        case cosine
    }

    public var shape: Shape
    /// The share of the budget (0 ..< 1) after which the rate starts to fall.
    public var after: Double
    /// The rate at the end of the budget, as a share (0 ... 1) of the initial rate.
    public var final: Double

    public init(shape: Shape = .linear, after: Double = 0, final: Double = 0) {
        self.shape = shape
        self.after = after
        self.final = final
    }

    /// The share of the initial rate to use at `progress` through the budget (clamped to 0 ... 1).
    public func factor(atProgress progress: Double) -> Double {
        let p = min(max(progress, 0), 1)
        guard p > after else { return 1 }
        let t = (p - after) / (1 - after)
        let fallen: Double
        switch shape {
        case .linear: fallen = t
        case .cosine: fallen = (1 - cos(Double.pi * t)) / 2
        }
        return 1 - (1 - final) * fallen
    }
}
