import Foundation
import Support
import Testing

@_spi(Testing) @testable import Tokenization

/// The proof that the span scan (`cs_plain_word_spans`) makes the tokens of the plain-text loop
/// (`PlainTextWordBreak.forEachToken(in:keepsPunctuation: true)`), itself proven against ICU in
/// `PlainTextWordBreakTests`, on every instruction-set path this CPU runs — and that it leaves a
/// text to the loop exactly when the text holds a unit it does not handle.
@Suite struct PlainTextWordBreakSpansTests {
    /// A token as its start and end offsets in the text.
    struct Span: Equatable, CustomStringConvertible {
        let start: Int
        let end: Int
        var description: String { "\(start)..<\(end)" }
    }

    /// One of each kind the scan tells apart, in ASCII and beyond: letters (ASCII, Latin, Greek),
    /// digits, "_", MidNumLet (. ’), MidNum (, ;), MidLetter (·), "@", whitespace (space, tab,
    /// CR, LF, NBSP), other (- ×), and two units it leaves to the loop (U+0301, U+202F).
    static let alphabet: [UInt16] = Array("a1_.’,;·@é×λ \t\r\n\u{A0}-\u{301}\u{202F}".utf16)

    /// The loop's tokens.
    static func loopSpans(_ text: [UInt16]) -> [Span] {
        var spans: [Span] = []
        text.withUnsafeBufferPointer { buffer in
            PlainTextWordBreak.forEachToken(in: buffer, keepsPunctuation: true) { token in
                let start = token.baseAddress! - buffer.baseAddress!
                spans.append(Span(start: start, end: start + token.count))
            }
        }
        return spans
    }

    /// The scan's tokens on `isa` (nil: left to the loop). `roomToPad` gives the buffer room to
    /// pad in place; without it the scan copies the last block.
    static func scanSpans(_ text: [UInt16], spans: PlainTextWordBreak.Spans, roomToPad: Bool) -> [Span]? {
        let capacity = roomToPad ? text.count + PlainTextWordBreak.scanPadding : text.count
        let buffer = UnsafeMutablePointer<UInt16>.allocate(capacity: max(capacity, 1))
        defer { buffer.deallocate() }
        buffer.initialize(from: text, count: text.count)
        // Garbage past the text: the scan must not read it as text.
        (buffer + text.count).initialize(repeating: UInt16(UInt8(ascii: "x")), count: capacity - text.count)
        guard let tokens = PlainTextWordBreak.tokenSpans(in: buffer, count: text.count, capacity: capacity, spans: spans)
        else { return nil }
        return (0..<tokens.count).map { index in
            let token = tokens[index]
            let start = token.baseAddress! - UnsafePointer(buffer)
            return Span(start: start, end: start + token.count)
        }
    }

    static func isLeftToTheLoop(_ text: [UInt16]) -> Bool {
        text.contains { PlainTextWordBreak.unitKinds[Int($0)] & TokenScanning.complex != 0 }
    }

    /// Compares scan and loop on `text` on every path, padded in place and copied; returns a
    /// description of the first difference.
    static func difference(_ text: [UInt16], _ paths: [PlainTextWordBreak.Spans]) -> String? {
        let expected = isLeftToTheLoop(text) ? nil : loopSpans(text)
        for spans in paths {
            for roomToPad in [true, false] {
                let actual = scanSpans(text, spans: spans, roomToPad: roomToPad)
                if actual != expected {
                    let hex = text.map { String(format: "%04X", $0) }.joined(separator: " ")
                    return "isa \(spans.isa) pad \(roomToPad) [\(hex)]: \(actual.map(\.description) ?? "nil") "
                        + "against \(expected.map(\.description) ?? "nil")"
                }
            }
        }
        return nil
    }

    /// One scan per instruction set (each test its own: a scan's buffers are not shared).
    static func makePaths() -> [PlainTextWordBreak.Spans] {
        TokenScanning.supportedISAs.map { PlainTextWordBreak.Spans(isa: $0) }
    }

    @Test func thePortablePathIsAlwaysThere() {
        #expect(TokenScanning.supportedISAs.first == 0)
    }

    /// Every string of up to 4 units over the alphabet (168,420), and of 5 over its first twelve (248,832).
    @Test func everyShortStringMatchesTheLoop() {
        var failures: [String] = []
        let paths = Self.makePaths()
        func all(over alphabet: [UInt16], length: Int) {
            var digits = [Int](repeating: 0, count: length)
            var text = [UInt16](repeating: 0, count: length)
            while failures.count < 5 {
                for index in 0..<length { text[index] = alphabet[digits[index]] }
                if let failure = Self.difference(text, paths) { failures.append(failure) }
                var position = 0
                while position < length {
                    digits[position] += 1
                    if digits[position] < alphabet.count { break }
                    digits[position] = 0
                    position += 1
                }
                if position == length { return }
            }
        }
        for length in 1...4 { all(over: Self.alphabet, length: length) }
        all(over: Array(Self.alphabet.prefix(12)), length: 5)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Every plain-text unit, alone and between letters, digits and spaces, at every place where
    /// the AVX2 path changes lanes, halves or blocks: its comparisons must say what the table says.
    @Test func everyPlainTextUnitAtEveryBoundary() {
        var failures: [String] = []
        let paths = Self.makePaths()
        let contexts: [[UInt16]] = [[], Array("a".utf16), Array("1".utf16), Array(" ".utf16), Array("é".utf16)]
        for unit in PlainTextWordBreakTests.plainTextUnits where failures.count < 5 {
            for offset in [0, 15, 16, 31, 32, 62, 63, 64, 65] {
                for before in contexts {
                    for after in contexts {
                        let lead = [UInt16](repeating: 0x20, count: max(0, offset - before.count))
                        let text = lead + before + [unit] + after
                        if let failure = Self.difference(text, paths) { failures.append(failure) }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Joins, runs and single tokens across every block boundary: "x.y", "1,2", "ab", "-" and
    /// spaces placed so that each straddles units 63/64 and 127/128.
    @Test func tokensAcrossBlockBoundaries() {
        var failures: [String] = []
        let paths = Self.makePaths()
        let pieces = ["a.b", "1,2", "1.2", "a'b", "ab", "a1_", "-", "--", " ", "a b", "a.1", "é·λ"].map { Array($0.utf16) }
        for piece in pieces {
            for boundary in [64, 128] {
                for shift in -4...4 {
                    let lead = [UInt16](repeating: UInt16(UInt8(ascii: "z")), count: boundary + shift - 1)
                    for filler in [UInt16(0x20), UInt16(UInt8(ascii: "q"))] {
                        let text = lead + [filler] + piece + [filler] + Array("end".utf16)
                        if let failure = Self.difference(text, paths) { failures.append(failure) }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Random texts of up to 300 units, letter-heavy with punctuation and now and then a unit the
    /// scan leaves to the loop, or any plain-text character.
    @Test func randomTextMatchesTheLoop() {
        var generator = SplitMix64(seed: 0x5CA9)
        let common = Array(String(repeating: "etaoinshrdlu", count: 4).utf16) + Self.alphabet.dropLast(2)
            + Array("  0123456789.,'’-\"?!".utf16)
        let rare = PlainTextWordBreakTests.plainTextUnits
        var failures: [String] = []
        let paths = Self.makePaths()
        for round in 0..<20_000 where failures.count < 5 {
            let text = generator.mixedText(maxLength: round % 10 == 0 ? 300 : 80, common: common, rare: rare, rareOneIn: 400)
            if let failure = Self.difference(text, paths) { failures.append(failure) }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The corpora's plain-text records, lowercased as the tokenizer would, on every path.
    @Test(arguments: ["web_sentences.txt.gz", "tiny_shakespeare.txt.gz"])
    func corpusRecordsMatchTheLoop(_ name: String) throws {
        let records = try PlainTextWordBreakTests.lines(of: name)
        var failures: [String] = []
        let paths = Self.makePaths()
        var scanned = 0
        for record in records where failures.count < 5 {
            let text = Array(record.lowercased().utf16)
            guard text.allSatisfy({ UInt32($0) < PlainText.limit }) else { continue }
            if !Self.isLeftToTheLoop(text) { scanned += 1 }
            if let failure = Self.difference(text, paths) { failures.append(failure) }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(scanned * 10 >= records.count * 9, "\(scanned) of \(records.count) records were scanned")
    }

    /// The scan's kinds follow from the loop's classes: a word part is never whitespace, and
    /// only what the scan cannot place is left to the loop.
    @Test func unitKindsFollowTheClasses() {
        let kinds = PlainTextWordBreak.unitKinds
        typealias Kind = TokenScanning
        func kind(_ character: Unicode.Scalar) -> UInt8 { kinds[Int(character.value)] }
        #expect(kind("a") == Kind.word | Kind.letter && kind("é") == Kind.word | Kind.letter)
        #expect(kind("7") == Kind.word | Kind.digit)
        #expect(kind("_") == Kind.word)
        #expect(kind(".") == Kind.joinsLetters | Kind.joinsDigits && kind("’") == kind("."))
        #expect(kind(",") == Kind.joinsDigits && kind(";") == Kind.joinsDigits)
        #expect(kind("·") == Kind.joinsLetters)
        #expect(kind(" ") == Kind.space && kind("\t") == Kind.space && kind("\u{A0}") == Kind.space)
        #expect(kind("-") == 0 && kind(":") == 0 && kind("×") == 0)
        #expect(kind("\u{301}") == Kind.complex && kind("\u{202F}") == Kind.complex)
        for unit in PlainTextWordBreakTests.plainTextUnits {
            let kind = kinds[Int(unit)]
            if kind & Kind.word != 0 { #expect(!UnicodeWhitespace.contains(unit)) }
            if kind & Kind.space != 0 { #expect(UnicodeWhitespace.contains(unit)) }
        }
    }
}
