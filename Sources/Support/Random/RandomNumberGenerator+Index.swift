extension RandomNumberGenerator {
    /// A uniform index in `0..<bound` from one draw, by the high word of `next() · bound` (the
    /// bias is below 2⁻³² for any bound that fits in memory). One draw per index, unlike the
    /// standard library's `Int.random(in:using:)`, which may draw again and so gives other
    /// sequences: shuffle orders are fixed by this function.
    @inlinable @inline(__always)
    public mutating func nextIndex(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
