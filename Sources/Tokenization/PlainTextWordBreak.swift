/// ICU's word boundaries and rule statuses, computed without ICU for *plain text*: the
/// alphabetic scripts and punctuation of ``PlainText`` (ASCII, Latin, Greek, Cyrillic, general
/// punctuation).
///
/// ICU's rule-based iterator costs about 25 ns per character (DFA over a code point trie, a
/// boundary cache, a C call per boundary); over these few classes the same boundaries are a
/// short hand-written loop. It reproduces ICU 72's root word rules (UAX #29 with ICU's
/// tailoring and rule-status tags) *exactly*, and is used only when the break iterator runs
/// those very rules (``isExact(for:)``); `PlainTextWordBreakTests` compares it with ICU on every
/// short string over one representative of each class, every covered character in its class's
/// place, random text and real corpora.
///
/// The classes, as ICU 72's root rules see these characters. ASCII's are fixed here (ICU tailors
/// UAX #29 there: "@" is a letter and ":" is not MidLetter); every other character's comes from
/// ICU's Word_Break property at run time (``classes``). Each class, its units and what it joins:
///
/// - `letter`: A–Z a–z @, ALetter (é, ß, λ, ж, ʼ, ª, …). Joins letters, digits, `_`;
///   `letter mid letter` for MidLetter (·) and MidNumLet.
/// - `numeric`: 0–9. Joins letters, digits, `_`; `digit mid digit` for MidNum (`,` `;` ⁄) and
///   MidNumLet (`.` `'` ‘ ’ ․).
/// - `extendNumLet`: `_`, U+202F, ‿ ⁀ ⁔. Joins letters, digits, `_`.
/// - `extend`: Extend and Format (U+0300–036F, soft hyphen, U+200C, bidi marks). Attach to what
///   precedes them (WB4), unless that is a line break.
/// - `space`: U+0020, U+2000–200A but U+2007 (WSegSpace). Runs of spaces join (WB3d).
/// - `carriageReturn`: CR. Joins CR LF (WB3).
/// - `newline`: LF, VT, FF, U+0085, U+2028, U+2029. Joins nothing, not even extends.
/// - `other`: the rest (controls, symbols, dashes, quotes, NBSP, « », …). Joins nothing.
///
/// Statuses are ICU's tags: a word's status comes from its last word unit — 200 (letter) after a
/// letter, 100 (number) after a digit, and after `_` 100 if a digit precedes it, else 200 — and a
/// lone `_`, spaces and everything else are 0 (none). Extends change no status, except after a
/// final `_`: ICU tags "a_\u{301}" 0.
enum PlainTextWordBreak {
    /// Word-break class of a plain-text unit (ordered so that word parts come last).
    typealias WordClass = UInt8
    static let other: WordClass = 0
    static let space: WordClass = 1
    static let carriageReturn: WordClass = 2
    static let newline: WordClass = 3
    static let extend: WordClass = 4
    static let midNum: WordClass = 5
    static let midLetter: WordClass = 6
    static let midNumLet: WordClass = 7
    static let letter: WordClass = 8
    static let numeric: WordClass = 9
    static let extendNumLet: WordClass = 10
    /// Not plain text: ICU's rules treat it in ways this loop does not (Hebrew letters, kana,
    /// dictionary scripts, emoji, ZWJ, regional indicators), or it lies outside ``PlainText``'s blocks.
    static let uncovered: WordClass = 0xFF

    /// ICU's UBRK_WORD_NUMBER and UBRK_WORD_LETTER tags.
    static let numberStatus: Int32 = 100
    static let letterStatus: Int32 = 200

    /// The class of each ASCII unit, as ICU's root rules have them.
    static let asciiClasses: [WordClass] = (0..<128).map { unit in
        switch UInt8(unit) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "@"): letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): numeric
        case UInt8(ascii: "_"): extendNumLet
        case UInt8(ascii: "."), UInt8(ascii: "'"): midNumLet
        case UInt8(ascii: ","), UInt8(ascii: ";"): midNum
        case UInt8(ascii: " "): space
        case 0x0D: carriageReturn
        case 0x0A, 0x0B, 0x0C: newline
        default: other
        }
    }

    /// The class of every code point below ``PlainText/limit``: ASCII's from ``asciiClasses``,
    /// the rest from ICU's Word_Break property (``uncovered`` where the loop does not apply).
    static let classes: [WordClass] = (0..<PlainText.limit).map { codePoint in
        codePoint < 0x80 ? asciiClasses[Int(codePoint)] : wordClass(ofCodePoint: codePoint)
    }

    /// The class ICU's data gives a non-ASCII code point.
    static func wordClass(ofCodePoint codePoint: UInt32) -> WordClass {
        guard PlainText.isInBlocks(codePoint), ICUSystemCalls.isAssigned(codePoint),
            !ICUSystemCalls.wordBreakIsSpecial(codePoint)
        else { return uncovered }
        switch ICUSystemCalls.wordBreak(codePoint) {
        case .other: return other
        case .aLetter: return letter
        case .numeric: return numeric
        case .extendNumLet: return extendNumLet
        case .midLetter: return midLetter
        case .midNum: return midNum
        case .midNumLet, .singleQuote: return midNumLet
        case .extend, .format: return extend
        case .wSegSpace: return space
        case .cr: return carriageReturn
        case .lf, .newline: return newline
        // Hebrew letters, kana, quotes (Hebrew's WB7a–c), ZWJ (emoji), regional indicators.
        case .doubleQuote, .hebrewLetter, .katakana, .zwj, .regionalIndicator, .unknown: return uncovered
        }
    }

    /// Calls `body` with each segment of plain `text` — its end offset and ICU's rule status —
    /// in order, exactly as ICU's root word iterator would report them.
    @inline(__always)
    static func forEachSegment(
        in text: UnsafeBufferPointer<UInt16>, _ body: (_ start: Int, _ end: Int, _ status: Int32) -> Void
    ) {
        guard let units = text.baseAddress else { return }
        let count = text.count
        classes.withUnsafeBufferPointer { classes in
            let table = classes.baseAddress!
            @inline(__always) func wordClass(_ index: Int) -> WordClass { table[Int(units[index])] }
            /// The first index at or after `index` that is not Extend or Format (WB4).
            @inline(__always) func skippingExtends(_ index: Int) -> Int {
                var index = index
                while index < count && wordClass(index) == extend { index += 1 }
                return index
            }
            var start = 0
            while start < count {
                let first = wordClass(start)
                var end = start + 1
                var status: Int32 = 0
                if first >= letter {
                    // WB5, WB8–WB10, WB13a/b: letters, digits and "_" all join one another.
                    var last = first
                    status = first == letter ? letterStatus : first == numeric ? numberStatus : 0
                    while end < count {
                        // Most of a word is Latin letters: skip them eight at a time, so the loop
                        // does not branch on every letter (and mispredict where each word ends).
                        if end + 8 <= count {
                            let run = latinLetterRun(at: units + end)
                            if run > 0 { (status, last) = (letterStatus, letter) }
                            end += run
                            if run == 8 { continue }
                        }
                        let next = wordClass(end)
                        if next >= letter {
                            status =
                                next == letter || (next == extendNumLet && last != numeric)
                                ? letterStatus : numberStatus
                            last = next
                            end += 1
                            continue
                        }
                        if next == extend {
                            // WB4: invisible inside words, but ICU tags a word that ends in "_"
                            // and extends 0 (its WB13a/b rules, which carry the tags, end at "_").
                            if last == extendNumLet { status = 0 }
                            end += 1
                            continue
                        }
                        // WB6/7 (letter mid letter) and WB11/12 (digit mid digit) look one unit ahead.
                        guard next >= midNum else { break }
                        let afterIndex = skippingExtends(end + 1)
                        guard afterIndex < count else { break }
                        let after = wordClass(afterIndex)
                        if last == numeric && after == numeric && next != midLetter {
                            status = numberStatus
                        } else if last == letter && after == letter && next != midNum {
                            status = letterStatus
                        } else {
                            break
                        }
                        last = after
                        end = afterIndex + 1
                    }
                } else if first == space {
                    while end < count && wordClass(end) == space { end += 1 }  // WB3d
                    end = skippingExtends(end)
                } else if first == carriageReturn {
                    if end < count && units[end] == 0x0A { end += 1 }  // WB3
                } else if first != newline {
                    // WB4: extends stay with what precedes them (or with one another at the start).
                    end = skippingExtends(end)
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
    static func forEachToken(
        in text: UnsafeBufferPointer<UInt16>, keepsPunctuation: Bool, _ body: (UnsafeBufferPointer<UInt16>) -> Void
    ) {
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
