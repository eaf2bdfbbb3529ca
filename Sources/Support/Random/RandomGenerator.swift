/// The seeded generator of layers, dropout, sampling and shuffles in training: xoshiro256**
/// (seeded through splitmix64) with uniform, normal and integer draws on top.
///
/// A value type with no global state: pass it down as `inout`. The same seed gives the same
/// stream on every platform, so training runs are bit-reproducible.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var bits: Xoshiro256StarStar
    @usableFromInline var normals = NormalSampler(.angleIncludesZero)

    /// Creates a generator whose whole state is derived from `seed`.
    @inlinable
    public init(seed: UInt64) {
        bits = Xoshiro256StarStar(seed: seed)
    }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 { bits.next() }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform Float in [low, high).
    @inlinable @inline(__always)
    public mutating func nextUniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUniform()
    }

    /// A standard normal Float (Box–Muller; the second value of each pair is kept for the next call).
    @inlinable
    public mutating func nextNormal() -> Float {
        Float(normals.next(using: &bits))
    }

    /// A uniform integer in 0..<n: the remainder of one draw (the bias is below n / 2⁶⁴).
    @inlinable
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// Returns a new generator derived from this one (for handing an independent stream to a sub-task).
    @inlinable
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }
}
