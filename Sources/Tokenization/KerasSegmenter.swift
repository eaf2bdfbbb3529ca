/// The `keras` level: keras' `text_to_word_sequence` after lowercasing, i.e.
/// `[w for w in text.translate({c: " " for c in filters}).split(" ") if w]`.
///
/// Filter characters and U+0020 act as separators directly (no rewritten copy); note that keras
/// splits on the space character only, so "\r" or NBSP stay inside tokens unless filtered.
struct KerasSegmenter {
    /// Bit `u` set when ASCII unit `u` separates tokens (space plus ASCII filters).
    private let asciiLow: UInt64
    private let asciiHigh: UInt64
    /// Non-ASCII filter characters (rare; checked only when such text appears).
    private let otherSeparators: Set<UInt32>

    init(filters: String) {
        var low: UInt64 = 1 << 0x20
        var high: UInt64 = 0
        var others = Set<UInt32>()
        for scalar in filters.unicodeScalars {
            let value = scalar.value
            if value < 64 {
                low |= 1 << UInt64(value)
            } else if value < 128 {
                high |= 1 << UInt64(value - 64)
            } else {
                others.insert(value)
            }
        }
        asciiLow = low
        asciiHigh = high
        otherSeparators = others
    }

    /// Width in units of the separator at `index`, or 0 when the character there is not one.
    @inline(__always)
    private func separatorWidth(_ base: UnsafePointer<UInt16>, _ index: Int, _ count: Int) -> Int {
        let unit = base[index]
        if unit < 64 { return (asciiLow >> UInt64(unit)) & 1 == 1 ? 1 : 0 }
        if unit < 128 { return (asciiHigh >> UInt64(unit - 64)) & 1 == 1 ? 1 : 0 }
        if otherSeparators.isEmpty { return 0 }
        if UTF16.isLeadSurrogate(unit), index + 1 < count, UTF16.isTrailSurrogate(base[index + 1]) {
            let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(base[index + 1]) - 0xDC00)
            return otherSeparators.contains(scalar) ? 2 : 0
        }
        return otherSeparators.contains(UInt32(unit)) ? 1 : 0
    }

    func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var start = 0
        var index = 0
        while index < count {
            let width = separatorWidth(base, index, count)
            if width == 0 {
                index += 1
                continue
            }
            if index > start { body(UnsafeBufferPointer(start: base + start, count: index - start)) }
            index += width
            start = index
        }
        if count > start { body(UnsafeBufferPointer(start: base + start, count: count - start)) }
    }
}
