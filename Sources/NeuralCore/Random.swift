import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through splitmix64).
///
/// A value type with no global state: pass it down as `inout`. The same seed gives the same
/// stream on every platform, so training runs are bit-reproducible.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Float? = nil

    /// Creates a generator whose whole state is derived from `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always) public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inline(__always) public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform Float in [low, high).
    @inline(__always) public mutating func nextUniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUniform()
    }

    /// A standard normal Float (Box–Muller; the second value of each pair is kept for the next call).
    public mutating func nextNormal() -> Float {
        if let s = spareNormal { spareNormal = nil; return s }
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2 * Foundation.log(u1)).squareRoot()
        let a = 2 * Double.pi * u2
        spareNormal = Float(r * Foundation.sin(a))
        return Float(r * Foundation.cos(a))
    }

    /// A uniform integer in 0..<n.
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// Returns a new generator derived from this one (for handing an independent stream to a sub-task).
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }
}
