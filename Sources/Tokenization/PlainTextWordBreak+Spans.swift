/// The word level's tokens of plain text with punctuation kept, found by `cs_plain_word_spans`
/// sixty-four units at a time instead of by ``PlainTextWordBreak/forEachToken(in:keepsPunctuation:_:)``'s
/// loop, which branches on every unit.
///
/// With punctuation kept, statuses do not matter: every segment is a token once trimmed of
/// whitespace. Over text without extends, formats or whitespace that joins words (U+202F), the
/// segments are then simple: a word is a maximal run of letters, digits, "_" and mid units
/// with a letter on both sides (MidLetter, MidNumLet) or a digit on both sides (MidNum,
/// MidNumLet); every other unit is a segment of its own (spaces and CR LF group, but are
/// whitespace). Text with any other unit goes to the loop. `PlainTextWordBreakSpansTests`
/// checks the two agree on every instruction-set path.
extension PlainTextWordBreak {
    /// Reusable output of the scan: token starts and ends.
    final class Spans {
        let starts = ReusableBuffer<UInt32>(capacity: 1024)
        let ends = ReusableBuffer<UInt32>(capacity: 1024)
        /// The scan's instruction set (`CS_ISA_*`), chosen once: the best, capped by `CK_ISA`.
        let isa: Int32

        init(isa: Int32 = TokenScanning.bestISA) { self.isa = isa }
    }

    /// Each plain-text code point's `CS_UNIT_*` bits (below ``PlainText/limit``). Built once for
    /// the process and never freed.
    nonisolated(unsafe) static let unitKinds: UnsafePointer<UInt8> = {
        let kinds = UnsafeMutablePointer<UInt8>.allocate(capacity: Int(PlainText.limit))
        for codePoint in 0..<Int(PlainText.limit) {
            kinds[codePoint] = unitKind(classes[codePoint], unit: UInt16(codePoint))
        }
        return UnsafePointer(kinds)
    }()

    /// What a unit of class `wordClass` is to the scan.
    static func unitKind(_ wordClass: WordClass, unit: UInt16) -> UInt8 {
        typealias Kind = TokenScanning
        let isSpace = UnicodeWhitespace.contains(unit)
        let complex = Kind.complex
        switch wordClass {
        case letter: return isSpace ? complex : Kind.word | Kind.letter
        case numeric: return isSpace ? complex : Kind.word | Kind.digit
        // "_" only: U+202F is whitespace inside a word and a lone one is no token.
        case extendNumLet: return unit == UInt16(UInt8(ascii: "_")) ? Kind.word : complex
        case midLetter: return isSpace ? complex : Kind.joinsLetters
        case midNum: return isSpace ? complex : Kind.joinsDigits
        case midNumLet: return isSpace ? complex : Kind.joinsLetters | Kind.joinsDigits
        case space, carriageReturn, newline: return isSpace ? Kind.space : complex
        case other: return isSpace ? Kind.space : 0
        // Extends and formats attach to what precedes them (and may end up alone after a space).
        default: return complex
        }
    }

    /// Calls `body` with each token of plain `text`, punctuation kept, exactly as
    /// ``forEachToken(in:keepsPunctuation:_:)`` would with `keepsPunctuation`; returns false
    /// without calling it when `text` holds a unit the scan leaves to that loop.
    /// The tokens of plain `text` with punctuation kept, exactly as
    /// ``forEachToken(in:keepsPunctuation:_:)`` makes them with `keepsPunctuation`, as spans in
    /// `spans`' buffers; nil when `text` holds a unit the scan leaves to that loop. `text` is the
    /// first `count` units of a buffer of `capacity`: past `count`, the scan may overwrite units
    /// (it pads the last block of 64 with spaces where there is room).
    @inline(__always)
    static func tokenSpans(
        in text: UnsafeMutablePointer<UInt16>, count: Int, capacity: Int, spans: Spans
    ) -> TokenSpans? {
        spans.starts.reserve(count)
        spans.ends.reserve(count)
        guard count > 0 else {
            return TokenSpans(text: text, starts: spans.starts.base, ends: spans.ends.base, count: 0)
        }
        let tokens = TokenScanning.plainWordSpans(
            isa: spans.isa, units: text, count: count, capacity: capacity, kinds: unitKinds,
            kindsCount: Int(PlainText.limit), starts: spans.starts.base, ends: spans.ends.base)
        guard tokens >= 0 else { return nil }
        return TokenSpans(text: text, starts: spans.starts.base, ends: spans.ends.base, count: tokens)
    }

    /// Units the scan may pad past a text's end: a buffer holding `count` units and this many
    /// more is never copied.
    static let scanPadding = 64
}
