/// Plain text: records made only of ASCII and the characters of a few blocks — Latin (Latin-1
/// Supplement, Extended-A/B and Additional, IPA, modifier letters, combining diacritics), Greek
/// (and Greek Extended), Cyrillic, general punctuation, super- and subscripts, currency signs —
/// which is most text in the languages written with them.
///
/// For plain text, the normalization and lowercasing the tokenizer applies work one character
/// at a time, so one pass over the UTF-8 bytes can check, map and widen to UTF-16 at once: ASCII
/// by byte-wise arithmetic (A–Z → a–z), the rest through a ``PlainTextMapping`` table taken from
/// ICU's own normalizers and case mapping for the configuration. A character the table leaves out
/// (because ICU would treat it in context, or it is not plain text) sends the record to ICU.
enum PlainText {
    /// Code points below this may be plain text (U+20D0 is just past the currency signs).
    static let limit: UInt32 = 0x20D0

    /// The blocks covered, besides ASCII.
    static let blocks: [ClosedRange<UInt32>] = [
        0x0080...0x052F,  // Latin-1 Supplement … Cyrillic Supplement
        0x1E00...0x1FFF,  // Latin Extended Additional, Greek Extended
        0x2000...0x20CF  // General Punctuation, Superscripts and Subscripts, Currency Symbols
    ]

    static func isInBlocks(_ codePoint: UInt32) -> Bool {
        codePoint < 0x80 || blocks.contains { $0.contains(codePoint) }
    }

    /// Converts `source` to UTF-16 in `destination`, mapping each character as `mapping` says
    /// (A–Z to a–z when it lowercases). Returns the UTF-16 length, or nil as soon as a character
    /// is not plain text or the UTF-8 is ill-formed (the caller then takes ICU's path;
    /// `destination` holds garbage).
    @inline(__always)
    static func convert(_ source: UnsafeBufferPointer<UInt8>, into destination: UTF16Buffer, mapping: PlainTextMapping)
        -> Int?
    {
        convert(source, into: destination, table: mapping.table)
    }

    /// ``convert(_:into:mapping:)`` with the mapping's table.
    @inline(__always)
    static func convert(_ source: UnsafeBufferPointer<UInt8>, into destination: UTF16Buffer, table mapping: PlainTextMapping.Table)
        -> Int?
    {
        guard let input = source.baseAddress else { return 0 }
        let count = source.count
        // UTF-16 never needs more units than UTF-8 has bytes; the word scan may pad past the end.
        destination.reserve(count + PlainTextWordBreak.scanPadding)
        let output = destination.base
        let raw = UnsafeRawPointer(input)
        let lowercaseBits: UInt64 = mapping.lowercasesASCII ? 0x2020_2020_2020_2020 : 0
        let table = mapping.units
        var index = 0
        var written = 0
        while true {
            // Eight bytes at a time: lowercase with byte-wise arithmetic and zero-extend to eight
            // units. Carries from a non-ASCII byte only run into later bytes, so the ASCII bytes
            // before the first non-ASCII one are right; only those count.
            while index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                // Bit 7 of each byte: ≥ "A" (0x41) and not ≥ "[" (0x5B); moved to bit 5.
                let upper = ((word &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(word &+ 0x2525_2525_2525_2525)) & 0x8080_8080_8080_8080
                let lowered = word | ((upper >> 2) & lowercaseBits)
                let units = SIMD8<UInt16>(truncatingIfNeeded: unsafeBitCast(lowered, to: SIMD8<UInt8>.self))
                UnsafeMutableRawPointer(output + written).storeBytes(of: units, as: SIMD8<UInt16>.self)
                let nonASCII = word & 0x8080_8080_8080_8080
                if nonASCII != 0 {
                    let ascii = nonASCII.trailingZeroBitCount >> 3
                    index += ascii
                    written += ascii
                    break
                }
                index += 8
                written += 8
            }
            guard index < count else { return written }
            let byte = input[index]
            if byte < 0x80 {
                let isUpper = byte &- 0x41 < 26
                output[written] = UInt16(isUpper && lowercaseBits != 0 ? byte | 0x20 : byte)
                index += 1
            } else {
                // Two-byte sequences (C2–DF) and three-byte ones led by E0–E2 reach every block;
                // C0/C1 and overlong E0 sequences are ill-formed (ICU makes them U+FFFD).
                let codePoint: UInt32
                if byte < 0xE0 {
                    guard byte >= 0xC2, index + 1 < count else { return nil }
                    let second = input[index + 1]
                    guard second & 0xC0 == 0x80 else { return nil }
                    codePoint = UInt32(byte & 0x1F) << 6 | UInt32(second & 0x3F)
                    index += 2
                } else {
                    guard byte <= 0xE2, index + 2 < count else { return nil }
                    let second = input[index + 1], third = input[index + 2]
                    guard second & 0xC0 == 0x80, third & 0xC0 == 0x80 else { return nil }
                    codePoint = UInt32(byte & 0x0F) << 12 | UInt32(second & 0x3F) << 6 | UInt32(third & 0x3F)
                    guard codePoint >= 0x800 else { return nil }
                    index += 3
                }
                guard codePoint < limit else { return nil }
                let unit = table[Int(codePoint)]
                guard unit != PlainTextMapping.notPlain else { return nil }
                output[written] = unit
            }
            written += 1
        }
    }
}
