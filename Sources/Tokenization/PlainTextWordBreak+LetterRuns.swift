extension PlainTextWordBreak {
    /// How many of the eight units at `units` are ASCII letters (A–Z, a–z) before the first that
    /// is not: 0…8. All eight must be readable. In a word, each such letter does exactly what the
    /// letter loop of ``forEachSegment(in:_:)`` does with it (the word goes on, its status becomes
    /// letter), so that loop can take the whole run at once.
    ///
    /// Four units per 64-bit word, tested lane by lane with carry-free arithmetic: plain text's
    /// units are below U+8000, so adding less than 0x8000 to a lane never carries into the next
    /// one, and a lane's top bit tells whether the unit reached a bound.
    @inline(__always)
    static func asciiLetterRun(at units: UnsafePointer<UInt16>) -> Int {
        let raw = UnsafeRawPointer(units)
        let low = letterLanes(raw.loadUnaligned(as: UInt64.self))
        let high = letterLanes(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let lowRun = (~low & lanesTopBits).trailingZeroBitCount >> 4
        let highRun = (~high & lanesTopBits).trailingZeroBitCount >> 4
        return lowRun < 4 ? lowRun : 4 + highRun
    }

    private static let lanesTopBits: UInt64 = 0x8000_8000_8000_8000

    /// Each 16-bit lane's top bit set where the lane is an ASCII letter: folded to lowercase
    /// (`| 0x20`), it is at least "a" (0x61) and not at least "{" (0x7B).
    @inline(__always)
    private static func letterLanes(_ word: UInt64) -> UInt64 {
        let folded = word | 0x0020_0020_0020_0020
        let atLeastA = folded &+ 0x7F9F_7F9F_7F9F_7F9F
        let atLeastBrace = folded &+ 0x7F85_7F85_7F85_7F85
        return atLeastA & ~atLeastBrace & lanesTopBits
    }
}
