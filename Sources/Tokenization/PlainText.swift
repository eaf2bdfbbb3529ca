/// Plain text: records made only of ASCII and six typographic marks — ‘ ’ “ ” (U+2018, U+2019,
/// U+201C, U+201D) and – — (U+2013, U+2014) — which is most of English corpora (all of 70% of
/// Quora-style records, for example; the marks are most of the rest).
///
/// On plain text every normalization this library offers is the identity except for case,
/// and lowercasing is A–Z → a–z (outside Turkish and Azeri), so one pass over the UTF-8 bytes can
/// check, lowercase and widen to UTF-16 at once — what ICU's conversion, quick check and case
/// mapping would produce (`PlainTextWordBreakTests` checks the marks against ICU for every
/// normalization and lowercasing locale).
enum PlainText {
    /// Converts `source` to UTF-16 in `destination`, mapping A–Z to a–z when `lowercasing`.
    /// Returns the UTF-16 length, or nil as soon as a character is not plain text (the caller
    /// then takes ICU's path; `destination` holds garbage).
    @inline(__always)
    static func convert(_ source: UnsafeBufferPointer<UInt8>, into destination: UTF16Buffer, lowercasing: Bool) -> Int? {
        guard let input = source.baseAddress else { return 0 }
        let count = source.count
        // UTF-16 never needs more units than UTF-8 has bytes.
        destination.reserve(count)
        let output = destination.base
        let raw = UnsafeRawPointer(input)
        let lowercaseBits: UInt64 = lowercasing ? 0x2020_2020_2020_2020 : 0
        var index = 0
        var written = 0
        while true {
            // Eight ASCII bytes at a time: lowercase with byte-wise arithmetic (no byte can carry
            // into the next, they are all below 0x80), then zero-extend to eight units.
            while index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                // Bit 7 of each byte: ≥ "A" (0x41) and not ≥ "[" (0x5B); moved to bit 5.
                let upper = ((word &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(word &+ 0x2525_2525_2525_2525)) & 0x8080_8080_8080_8080
                let lowered = word | ((upper >> 2) & lowercaseBits)
                let units = SIMD8<UInt16>(truncatingIfNeeded: unsafeBitCast(lowered, to: SIMD8<UInt8>.self))
                UnsafeMutableRawPointer(output + written).storeBytes(of: units, as: SIMD8<UInt16>.self)
                index += 8
                written += 8
            }
            guard index < count else { return written }
            let byte = input[index]
            if byte < 0x80 {
                let isUpper = byte &- 0x41 < 26
                output[written] = UInt16(isUpper && lowercasing ? byte | 0x20 : byte)
                index += 1
            } else {
                // E2 80 93/94/98/99/9C/9D are U+2013, U+2014, U+2018, U+2019, U+201C, U+201D.
                guard byte == 0xE2, index + 2 < count, input[index + 1] == 0x80 else { return nil }
                let last = input[index + 2]
                guard isMark(last) else { return nil }
                output[written] = 0x2000 | UInt16(last & 0x3F)
                index += 3
            }
            written += 1
        }
    }

    /// Whether E2 80 `last` is one of the six marks.
    @inline(__always)
    static func isMark(_ last: UInt8) -> Bool {
        switch last {
        case 0x93, 0x94, 0x98, 0x99, 0x9C, 0x9D: true
        default: false
        }
    }

    /// The non-ASCII units of plain text.
    static let marks: [UInt16] = [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D]

    /// Whether a UTF-16 unit is plain text.
    static func contains(_ unit: UInt16) -> Bool { unit < 0x80 || marks.contains(unit) }
}
