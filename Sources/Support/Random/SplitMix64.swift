/// splitmix64: a tiny generator whose output function is also a good 64-bit hash.
///
/// It seeds ``Xoshiro256StarStar`` (four outputs make its state), hashes positions for the
/// training/validation split (``mix(_:)``), and is the generator itself where a short stream of
/// well-mixed numbers is all that is needed (random rows of out-of-vocabulary embeddings, the
/// records `inspect` shows).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The state: the seed plus the golden-ratio increment once per output.
    public var state: UInt64

    @inlinable
    public init(seed: UInt64) { state = seed }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.finalize(state)
    }

    /// The hash of one value: the first output of a generator seeded with it.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        finalize(value &+ increment)
    }

    @usableFromInline static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inlinable @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
