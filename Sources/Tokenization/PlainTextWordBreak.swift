/// ICU's word boundaries and rule statuses, computed without ICU for *plain text*: ASCII plus
/// the six typographic marks of English prose (‘ ’ “ ” – —, see ``PlainText``).
///
/// ICU's rule-based iterator costs about 25 ns per character (DFA over a code point trie, a
/// boundary cache, a C call per boundary); over these few classes the same boundaries are a
/// short hand-written loop. It reproduces ICU 72's root word rules (UAX #29 with ICU's
/// tailoring and rule-status tags) *exactly*, and is used only when the break iterator runs
/// those very rules (``isExact(for:)``); `PlainTextWordBreakTests` compares it with ICU on every
/// string of up to 6 units over one representative of each class, and on real corpora.
///
/// The classes, as ICU 72's root rules see these characters (derived from ICU itself, not only
/// from UAX #29 — "@" is a letter and ":" is not MidLetter there):
///
/// | class | units | joins |
/// |---|---|---|
/// | letter | A–Z a–z @ | letters, digits, `_`; `letter mid letter` for mid = `.` `'` ‘ ’ |
/// | numeric | 0–9 | letters, digits, `_`; `digit mid digit` for mid = `.` `'` ‘ ’ `,` `;` |
/// | extendNumLet | `_` | letters, digits, `_` |
/// | space | U+0020 | runs of spaces (WB3d) |
/// | carriageReturn | CR | CR LF (WB3) |
/// | other | the rest, LF and the other controls included | nothing |
///
/// Statuses are ICU's tags: a word's status comes from its last unit — 200 (letter) after a
/// letter, 100 (number) after a digit, and after `_` 100 if a digit precedes it, else 200 — and a
/// lone `_`, spaces and everything else are 0 (none).
enum PlainTextWordBreak {
    /// Word-break class of a plain-text unit (ordered so that word parts come last).
    typealias WordClass = UInt8
    static let other: WordClass = 0
    static let space: WordClass = 1
    static let carriageReturn: WordClass = 2
    static let midNum: WordClass = 3
    static let midNumLet: WordClass = 4
    static let letter: WordClass = 5
    static let numeric: WordClass = 6
    static let extendNumLet: WordClass = 7

    /// ICU's UBRK_WORD_NUMBER and UBRK_WORD_LETTER tags.
    static let numberStatus: Int32 = 100
    static let letterStatus: Int32 = 200

    /// The class of each ASCII unit.
    static let asciiClasses: [WordClass] = (0..<128).map { unit in
        switch UInt8(unit) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "@"): letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): numeric
        case UInt8(ascii: "_"): extendNumLet
        case UInt8(ascii: "."), UInt8(ascii: "'"): midNumLet
        case UInt8(ascii: ","), UInt8(ascii: ";"): midNum
        case UInt8(ascii: " "): space
        case 0x0D: carriageReturn
        default: other
        }
    }

    /// The class of `unit`, which must be plain text (ASCII or one of ``PlainText``'s marks).
    @inline(__always)
    static func wordClass(_ unit: UInt16, _ table: UnsafePointer<WordClass>) -> WordClass {
        if unit < 0x80 { return table[Int(unit)] }
        // ‘ and ’ are MidNumLet like "." and "'"; the dashes and double quotes are Other.
        return unit == 0x2018 || unit == 0x2019 ? midNumLet : other
    }

    /// Calls `body` with each segment of plain `text` — its end offset and ICU's rule status —
    /// in order, exactly as ICU's root word iterator would report them.
    @inline(__always)
    static func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (_ start: Int, _ end: Int, _ status: Int32) -> Void) {
        guard let units = text.baseAddress else { return }
        let count = text.count
        asciiClasses.withUnsafeBufferPointer { classes in
            let table = classes.baseAddress!
            var start = 0
            while start < count {
                let first = wordClass(units[start], table)
                var end = start + 1
                var status: Int32 = 0
                if first >= letter {
                    // WB5, WB8–WB10, WB13a/b: letters, digits and "_" all join one another.
                    var last = first
                    status = first == letter ? letterStatus : first == numeric ? numberStatus : 0
                    while end < count {
                        let next = wordClass(units[end], table)
                        if next >= letter {
                            status = next == letter || (next == extendNumLet && last != numeric) ? letterStatus : numberStatus
                            last = next
                            end += 1
                            continue
                        }
                        // WB6/7 (letter mid letter) and WB11/12 (digit mid digit) look one unit ahead.
                        guard next == midNumLet || next == midNum, end + 1 < count else { break }
                        let after = wordClass(units[end + 1], table)
                        if last == numeric && after == numeric {
                            status = numberStatus
                        } else if last == letter && after == letter && next == midNumLet {
                            status = letterStatus
                        } else {
                            break
                        }
                        last = after
                        end += 2
                    }
                } else if first == space {
                    while end < count && units[end] == 0x20 { end += 1 }  // WB3d
                } else if first == carriageReturn {
                    if end < count && units[end] == 0x0A { end += 1 }  // WB3
                }
                body(start, end, status)
                start = end
            }
        }
    }

    /// Calls `body` with each token of plain `text`, as `WordSegmenter` would make them from
    /// ICU's segments: words (status ≥ 100) always, other segments trimmed of whitespace when
    /// `keepsPunctuation`.
    @inline(__always)
    static func forEachToken(in text: UnsafeBufferPointer<UInt16>, keepsPunctuation: Bool, _ body: (UnsafeBufferPointer<UInt16>) -> Void) {
        guard let base = text.baseAddress else { return }
        forEachSegment(in: text) { start, end, status in
            let segment = UnsafeBufferPointer(start: base + start, count: end - start)
            if status >= numberStatus {
                body(segment)
            } else if keepsPunctuation {
                let symbol = UnicodeWhitespace.trimmed(segment)
                if !symbol.isEmpty { body(symbol) }
            }
        }
    }

    // MARK: When the fast path is exact

    /// Length and 64-bit FNV-1a hash of the compiled ICU rules this type reproduces: ICU 72's
    /// root word rules (also used by "en", "de", "ja", … — but not "fi", "sv" or "en_US_POSIX",
    /// which tailor them). Another ICU version or a tailoring yields other bytes, and the fast
    /// path stays off (correct, just slower) until it is re-verified against those rules.
    static let verifiedRulesLength = 22448
    static let verifiedRulesHash: UInt64 = 0x8384_613b_b506_7dbb

    /// True when `rules` (``ICUBreakIterator/binaryRules()``) are the verified rules.
    static func isExact(forRules rules: [UInt8]) -> Bool {
        rules.count == verifiedRulesLength && fingerprint(rules) == verifiedRulesHash
    }

    /// 64-bit FNV-1a: a fingerprint to notice changed rules, not a defence against forgery.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
