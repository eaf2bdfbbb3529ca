/// The Unicode White_Space property for UTF-16 code units.
///
/// Every White_Space character is in the BMP, so a single unit decides it and surrogates never
/// match. A fixed table instead of an ICU call per character keeps the whitespace level and the
/// word level's punctuation trimming free of C calls; a test checks it against ICU.
enum UnicodeWhitespace {
    @inline(__always)
    static func contains(_ unit: UInt16) -> Bool {
        if unit <= 0x20 { return unit == 0x20 || (unit >= 0x09 && unit <= 0x0D) }
        if unit < 0x85 { return false }
        switch unit {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `text` without leading and trailing whitespace (possibly empty).
    @inline(__always)
    static func trimmed(_ text: UnsafeBufferPointer<UInt16>) -> UnsafeBufferPointer<UInt16> {
        var start = 0
        var end = text.count
        while start < end, contains(text[start]) { start += 1 }
        while end > start, contains(text[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: text[start..<end])
    }
}
