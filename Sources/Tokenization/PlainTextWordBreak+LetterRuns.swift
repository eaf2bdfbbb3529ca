extension PlainTextWordBreak {
    /// How many of the eight units at `units` are Latin letters before the first that is not:
    /// 0…8. All eight must be readable. Latin letters here are A–Z, a–z and U+00C0–U+024F (Latin-1
    /// letters, Latin Extended-A and -B) but for × and ÷: every one of them is in class `letter`,
    /// so in a word each does exactly what the letter loop of ``forEachSegment(in:_:)`` does with
    /// it (the word goes on, its status becomes letter), and that loop can take the run at once.
    ///
    /// Four units per 64-bit word, tested lane by lane with carry-free arithmetic: plain text's
    /// units are below U+8000, so adding less than 0x8000 to a lane never carries into the next
    /// one, and a lane's top bit tells whether the unit reached a bound.
    @inline(__always)
    static func latinLetterRun(at units: UnsafePointer<UInt16>) -> Int {
        let raw = UnsafeRawPointer(units)
        let low = letterLanes(raw.loadUnaligned(as: UInt64.self))
        let high = letterLanes(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let lowRun = (~low & lanesTopBits).trailingZeroBitCount >> 4
        let highRun = (~high & lanesTopBits).trailingZeroBitCount >> 4
        return lowRun < 4 ? lowRun : 4 + highRun
    }

    private static let lanesTopBits: UInt64 = 0x8000_8000_8000_8000

    /// Each 16-bit lane's top bit set where the lane is a Latin letter (see ``latinLetterRun(at:)``).
    @inline(__always)
    private static func letterLanes(_ word: UInt64) -> UInt64 {
        // ASCII: folded to lowercase (`| 0x20`), at least "a" (0x61) and not at least "{" (0x7B).
        let folded = word | 0x0020_0020_0020_0020
        let ascii = atLeast(0x61, folded) & ~atLeast(0x7B, folded)
        // U+00C0–U+024F, but U+00D7 × and U+00F7 ÷ (the same unit with bit 5 set).
        let latin = atLeast(0xC0, word) & ~atLeast(0x250, word) & ~equals(0xF7, folded)
        return ascii | latin
    }

    /// Top bit of each lane set where the lane is at least `bound`.
    @inline(__always)
    private static func atLeast(_ bound: UInt64, _ word: UInt64) -> UInt64 {
        (word &+ (0x8000 - bound) &* 0x0001_0001_0001_0001) & lanesTopBits
    }

    /// Top bit of each lane set where the lane equals `value`.
    @inline(__always)
    private static func equals(_ value: UInt64, _ word: UInt64) -> UInt64 {
        ~((word ^ value &* 0x0001_0001_0001_0001) &+ 0x7FFF_7FFF_7FFF_7FFF) & lanesTopBits
    }
}
