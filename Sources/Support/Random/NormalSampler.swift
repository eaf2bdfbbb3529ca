import Foundation

/// Standard normal values from uniform 64-bit draws by the Box–Muller transform: each pair of
/// draws gives two values, the second kept for the next call.
///
/// The two ``Variant``s draw the angle's uniform differently; each is the stream some saved
/// runs and matrices were made with, so both stay.
public struct NormalSampler: Sendable {
    /// How the uniform behind the angle is drawn (the radius's is always in (0, 1], so that its
    /// logarithm is finite).
    public enum Variant: Sendable {
        /// In [0, 1): the generator of layers, dropout and sampling (``RandomGenerator``).
        case angleIncludesZero
        /// In (0, 1], like the radius: the random rows of out-of-vocabulary embeddings.
        case angleExcludesZero
    }

    public let variant: Variant
    @usableFromInline var spare: Double?

    public init(_ variant: Variant) {
        self.variant = variant
    }

    /// The next standard normal value.
    @inlinable
    public mutating func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let (radius, angle) = polarPair(using: &generator)
        spare = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }

    /// The next value of a normal distribution with `mean` and `standardDeviation`.
    @inlinable
    public mutating func next<Generator: RandomNumberGenerator>(
        mean: Double, standardDeviation: Double, using generator: inout Generator
    ) -> Double {
        if let spare {
            self.spare = nil
            return mean + standardDeviation * spare
        }
        let (radius, angle) = polarPair(using: &generator)
        spare = radius * Foundation.sin(angle)
        return mean + standardDeviation * radius * Foundation.cos(angle)
    }

    /// A pair's radius √(−2 ln u₁) and angle 2π u₂, from two draws of 53 bits each.
    @inlinable
    func polarPair<Generator: RandomNumberGenerator>(using generator: inout Generator) -> (Double, Double) {
        let scale = 1.0 / 9_007_199_254_740_992.0  // 2⁻⁵³
        let u1 = (Double(generator.next() >> 11) + 1) * scale
        let angleBits = Double(generator.next() >> 11)
        let u2 = (variant == .angleIncludesZero ? angleBits : angleBits + 1) * scale
        return ((-2 * Foundation.log(u1)).squareRoot(), 2 * Double.pi * u2)
    }
}
