import Foundation
import Support
import Testing

@_spi(Testing) @testable import Tokenization

/// The proof that the plain-text fast path is exact: `PlainTextWordBreak` must report ICU's
/// boundaries *and* rule statuses, and `PlainText` must produce what ICU's conversion,
/// normalization and lowercasing produce, for every input it accepts.
///
/// - every string of up to 6 units over one ASCII representative of each word-break class
///   (1.1 M), and of up to 5 units over those plus the non-ASCII classes (MidLetter, Extend);
///   `PLAIN_TEXT_EXHAUSTIVE_LENGTH=8` (or more) extends both, for a run by hand;
/// - every plain-text character (ASCII, Latin, Greek, Cyrillic, punctuation, …) in strings of
///   up to 3 units with the representatives (conversion itself: `PlainTextTests`);
/// - random strings over all plain-text characters;
/// - every plain-text record of the repository's corpora, tokens with and without punctuation.
@Suite struct PlainTextWordBreakTests {
    /// One or two of each class: letter, digit, "_", MidNumLet ("." and "’"), MidNum (","),
    /// space, CR, LF (Other, but whitespace and WB3's partner) and Other ("-"). The other units
    /// of each class are checked against these in `everyPlainTextUnitBehavesLikeItsClass`.
    static let representatives: [UInt16] = Array("a1_.’, \r\n-".utf16)

    /// The representatives plus the classes ASCII lacks: MidLetter (·) and Extend (U+0301), and a
    /// non-ASCII letter and space for good measure.
    static let extendedRepresentatives: [UInt16] = Array("a1_.’,·\u{301} \r\n-".utf16)

    /// Every plain-text code point (ASCII and the covered blocks' characters), all single units.
    static let plainTextUnits: [UInt16] = (0..<PlainText.limit)
        .filter { PlainTextWordBreak.classes[Int($0)] != PlainTextWordBreak.uncovered }
        .map { UInt16($0) }

    /// ICU's segments of `text`: end offsets and rule statuses.
    final class ICUReference {
        let iterator: ICUBreakIterator
        private var ends = [Int32](repeating: 0, count: 4096)
        private var statuses = [Int32](repeating: 0, count: 4096)

        init(locale: String = "") throws {
            iterator = try ICUBreakIterator(.word, locale: locale)
        }

        /// Segments as (end, status) packed into one Int64 each (cheap to compare in bulk).
        func segments(_ text: UnsafeBufferPointer<UInt16>, into output: inout [Int64]) throws {
            output.removeAll(keepingCapacity: true)
            try iterator.setText(text)
            while true {
                let count = ends.withUnsafeMutableBufferPointer { ends in
                    statuses.withUnsafeMutableBufferPointer { statuses in
                        iterator.nextBatch(
                            boundaries: ends.baseAddress!, ruleStatuses: statuses.baseAddress!, capacity: ends.count)
                    }
                }
                if count == 0 { break }
                for index in 0..<count { output.append(Int64(ends[index]) << 32 | Int64(statuses[index])) }
            }
        }
    }

    static func fastSegments(_ text: UnsafeBufferPointer<UInt16>, into output: inout [Int64]) {
        output.removeAll(keepingCapacity: true)
        PlainTextWordBreak.forEachSegment(in: text) { _, end, status in output.append(Int64(end) << 32 | Int64(status))
        }
    }

    /// Compares the two on every string of `length` units over `alphabet`; returns the first
    /// few mismatches as readable strings.
    static func compareAllStrings(over alphabet: [UInt16], length: Int, _ icu: ICUReference) throws -> [String] {
        var failures: [String] = []
        var digits = [Int](repeating: 0, count: length)
        var text = [UInt16](repeating: 0, count: length)
        var expected: [Int64] = []
        var actual: [Int64] = []
        expected.reserveCapacity(16)
        actual.reserveCapacity(16)
        while true {
            for position in 0..<length { text[position] = alphabet[digits[position]] }
            try text.withUnsafeBufferPointer { units in
                try icu.segments(units, into: &expected)
                fastSegments(units, into: &actual)
            }
            if expected != actual && failures.count < 10 {
                failures.append(
                    "\(text.map { String(format: "%04X", $0) }) ICU \(describe(expected)) fast \(describe(actual))")
            }
            // Next string (odometer order).
            var position = length - 1
            while position >= 0 {
                digits[position] += 1
                if digits[position] < alphabet.count { break }
                digits[position] = 0
                position -= 1
            }
            if position < 0 { return failures }
        }
    }

    static func describe(_ segments: [Int64]) -> String {
        segments.map { "\($0 >> 32):\($0 & 0xFFFF_FFFF)" }.joined(separator: ",")
    }

    @Test func everyShortStringOverEveryClassMatchesICU() throws {
        let icu = try ICUReference()
        let environment = ProcessInfo.processInfo.environment["PLAIN_TEXT_EXHAUSTIVE_LENGTH"].flatMap { Int($0) }
        let maxLength = max(6, environment ?? 6)
        for length in 1...maxLength {
            let failures = try Self.compareAllStrings(over: Self.representatives, length: length, icu)
            #expect(failures.isEmpty, "length \(length): \(failures)")
        }
    }

    @Test func everyShortStringOverTheExtendedClassesMatchesICU() throws {
        let icu = try ICUReference()
        let environment = ProcessInfo.processInfo.environment["PLAIN_TEXT_EXHAUSTIVE_LENGTH"].flatMap { Int($0) }
        let maxLength = max(5, (environment ?? 6) - 1)
        for length in 1...maxLength {
            let failures = try Self.compareAllStrings(over: Self.extendedRepresentatives, length: length, icu)
            #expect(failures.isEmpty, "length \(length): \(failures)")
        }
    }

    @Test func randomPlainTextMatchesICU() throws {
        let icu = try ICUReference()
        let units = Self.plainTextUnits
        // Letters, digits and separators more often than controls, so long words and numbers occur.
        let weighted = units + Array(String(repeating: "aZ9_.',; ’éλж·\u{301}\u{AD}\u{2003}", count: 40).utf16)
        var generator = SplitMix64(seed: 0x5EED)
        var expected: [Int64] = []
        var actual: [Int64] = []
        var failures: [String] = []
        for _ in 0..<100_000 {
            let length = Int(generator.next() % 40) + 1
            let text = (0..<length).map { _ in weighted[Int(generator.next() % UInt64(weighted.count))] }
            try text.withUnsafeBufferPointer { buffer in
                try icu.segments(buffer, into: &expected)
                Self.fastSegments(buffer, into: &actual)
            }
            if expected != actual && failures.count < 10 { failures.append("\(text)") }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Text of long Latin words (both cases, accented too) with every plain-text unit now and then,
    /// so that the letter loop's eight-at-a-time step meets every kind of unit at every offset.
    @Test func randomLetterHeavyTextMatchesICU() throws {
        let icu = try ICUReference()
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàçÉñøßŁőɏ".utf16)
        let others = Self.plainTextUnits + Array(" .',_9@`[{\u{301}×÷ɐ".utf16)
        var generator = SplitMix64(seed: 0x1E77E55)
        var expected: [Int64] = []
        var actual: [Int64] = []
        var failures: [String] = []
        for _ in 0..<100_000 {
            let text = generator.mixedText(maxLength: 48, common: letters, rare: others, rareOneIn: 6)
            try text.withUnsafeBufferPointer { buffer in
                try icu.segments(buffer, into: &expected)
                Self.fastSegments(buffer, into: &actual)
            }
            if expected != actual && failures.count < 10 { failures.append("\(text)") }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The shipped corpora, and PTB when `scripts/fetch-ptb.sh` has fetched it (it is not shipped).
    @Test(arguments: [
        "web_sentences.txt.gz", "tiny_shakespeare.txt.gz", "ptb/ptb.train.txt", "penguins_raw.csv", "csv-spectrum"
    ])
    func corpusRecordsMatchICU(_ name: String) throws {
        if name.hasPrefix("ptb/"),
            !FileManager.default.fileExists(atPath: TestSupport.corpora.appendingPathComponent(name).path)
        {
            return
        }
        try Self.compareRecords(try Self.lines(of: name))
    }

    /// Each plain-text record's segments against ICU's, and every record's tokens through whole
    /// tokenizers with the fast path on and off.
    static func compareRecords(_ records: [String], minimumPlain: Double = 0) throws {
        let mapping = try #require(try PlainTextMapping.mapping(normalization: .none, lowercaseLocale: nil))
        let icu = try ICUReference()
        var expected: [Int64] = []
        var actual: [Int64] = []
        var segmentFailures: [String] = []
        var plain = 0
        let buffer = UTF16Buffer()
        for record in records {
            var utf8 = record
            let count = utf8.withUTF8 { PlainText.convert($0, into: buffer, mapping: mapping) }
            guard let count else {
                #expect(
                    record.unicodeScalars.contains {
                        $0.value >= PlainText.limit
                            || PlainTextWordBreak.classes[Int($0.value)] == PlainTextWordBreak.uncovered
                    })
                continue
            }
            plain += 1
            #expect(Array(buffer.prefix(count)) == Array(record.utf16))
            try icu.segments(buffer.prefix(count), into: &expected)
            fastSegments(buffer.prefix(count), into: &actual)
            if expected != actual && segmentFailures.count < 10 { segmentFailures.append(record) }
        }
        #expect(segmentFailures.isEmpty, "\(segmentFailures)")
        #expect(plain > 0)
        #expect(Double(plain) >= minimumPlain * Double(records.count), "\(plain) of \(records.count) plain")
        // The same records through whole tokenizers, fast path on and off.
        for configuration in [
            TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: ""),
            TokenizerConfiguration(level: .word, keepsPunctuation: false),
            TokenizerConfiguration(
                level: .word, normalization: .nfkcCasefold, lowercaseLocale: "en", keepsPunctuation: true)
        ] {
            let fast = try Tokenizer(configuration: configuration, plainTextFastPath: true)
            let slow = try Tokenizer(configuration: configuration, plainTextFastPath: false)
            #expect(fast.usesPlainTextFastPath && !slow.usesPlainTextFastPath)
            var differing: [String] = []
            for record in records where try fast.tokens(of: record) != slow.tokens(of: record) {
                if differing.count < 10 { differing.append(record) }
            }
            #expect(differing.isEmpty, "\(configuration): \(differing)")
        }
    }

    /// Every plain-text character in place of its class's representative: each string of up to
    /// 3 units over the representatives and that character, in which the character occurs.
    @Test func everyPlainTextCharacterBehavesLikeItsClass() throws {
        let icu = try ICUReference()
        let core = Self.extendedRepresentatives
        var failures: [String] = []
        var expected: [Int64] = []
        var actual: [Int64] = []
        var text: [UInt16] = []
        func check() throws {
            try text.withUnsafeBufferPointer { units in
                try icu.segments(units, into: &expected)
                Self.fastSegments(units, into: &actual)
            }
            if expected != actual && failures.count < 20 {
                failures.append(
                    "\(text.map { String(format: "%04X", $0) }) "
                        + "ICU \(Self.describe(expected)) fast \(Self.describe(actual))"
                )
            }
        }
        for unit in Self.plainTextUnits {
            let alphabet = core + [unit]
            text = [unit]
            try check()
            for first in alphabet {
                for (x, y) in [(first, unit), (unit, first)] {
                    text = [x, y]
                    try check()
                }
                for second in alphabet {
                    for triple in [[unit, first, second], [first, unit, second], [first, second, unit]] {
                        text = triple
                        try check()
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Which characters are plain text comes from ICU's data; these are the ones the fast path is
    /// for, and the ones ICU's rules treat apart.
    @Test func theCoveredCharactersAreTheExpectedOnes() {
        func wordClass(_ scalar: Unicode.Scalar) -> PlainTextWordBreak.WordClass {
            scalar.value < PlainText.limit
                ? PlainTextWordBreak.classes[Int(scalar.value)] : PlainTextWordBreak.uncovered
        }
        for letter in "éÉßøłŒœŋǆȘλΩάжЖїґ\u{1EA1}ʼªµ" {
            #expect(wordClass(letter.unicodeScalars.first!) == PlainTextWordBreak.letter, "\(letter)")
        }
        for (scalar, expected) in [
            ("\u{2019}", PlainTextWordBreak.midNumLet), ("\u{2018}", PlainTextWordBreak.midNumLet),
            ("\u{00B7}", PlainTextWordBreak.midLetter), ("\u{0387}", PlainTextWordBreak.midLetter),
            ("\u{037E}", PlainTextWordBreak.midNum), ("\u{2044}", PlainTextWordBreak.midNum),
            ("\u{0301}", PlainTextWordBreak.extend), ("\u{00AD}", PlainTextWordBreak.extend),
            ("\u{202F}", PlainTextWordBreak.extendNumLet), ("\u{2003}", PlainTextWordBreak.space),
            ("\u{2028}", PlainTextWordBreak.newline), ("\u{0085}", PlainTextWordBreak.newline),
            ("\u{00A0}", PlainTextWordBreak.other), ("\u{00AB}", PlainTextWordBreak.other),
            ("\u{201C}", PlainTextWordBreak.other), ("\u{2014}", PlainTextWordBreak.other),
            ("\u{20AC}", PlainTextWordBreak.other)
        ] as [(Unicode.Scalar, PlainTextWordBreak.WordClass)] {
            #expect(wordClass(scalar) == expected, "U+\(String(scalar.value, radix: 16))")
        }
        // ZWJ and © (emoji sequences), Hebrew, Thai, kana, Han, regional indicators, unassigned.
        for scalar in [
            "\u{200D}", "\u{00A9}", "\u{05D0}", "\u{0E01}", "\u{30A2}", "\u{3042}", "\u{65E5}", "\u{1F1E6}", "\u{0378}",
            "\u{2150}"
        ] as [Unicode.Scalar] {
            #expect(wordClass(scalar) == PlainTextWordBreak.uncovered, "U+\(String(scalar.value, radix: 16))")
        }
        #expect(Self.plainTextUnits.count > 1800)
    }

    @Test func fastPathIsOnExactlyWhereItIsExact() throws {
        // The verified rules are the linked ICU's root rules; a mismatch means ICU changed:
        // rerun this suite with the new rules' fingerprint (and PLAIN_TEXT_EXHAUSTIVE_LENGTH=8).
        let root = try ICUBreakIterator(.word, locale: "").binaryRules()
        #expect(
            PlainTextWordBreak.isExact(forRules: root),
            "root rules: \(root.count) bytes, fingerprint \(String(PlainTextWordBreak.fingerprint(root), radix: 16))")
        func uses(_ configuration: TokenizerConfiguration) throws -> Bool {
            try Tokenizer(configuration: configuration, plainTextFastPath: true).usesPlainTextFastPath
        }
        #expect(try uses(TokenizerConfiguration(level: .word)))
        #expect(
            try uses(
                TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "en", breakLocale: "en_US"))
        )
        #expect(try uses(TokenizerConfiguration(level: .word, lowercaseLocale: "de", breakLocale: "ja")))
        // Tailored word rules (Finnish and Swedish keep ":" inside words; POSIX differs too).
        for locale in ["fi", "sv", "en_US_POSIX"] {
            #expect(try !uses(TokenizerConfiguration(level: .word, breakLocale: locale)), "\(locale)")
        }
        // Turkish and Azeri lowercase "I" to "ı".
        #expect(try !uses(TokenizerConfiguration(level: .word, lowercaseLocale: "tr")))
        #expect(try !uses(TokenizerConfiguration(level: .word, lowercaseLocale: "az_AZ")))
        #expect(
            try !Tokenizer(configuration: TokenizerConfiguration(level: .word), plainTextFastPath: false)
                .usesPlainTextFastPath)
        for level in [TokenizationLevel.character, .sentence, .whitespace, .keras] {
            #expect(try !uses(TokenizerConfiguration(level: level)))
        }
        let turkish = try TokenizerConfiguration(level: .word, lowercaseLocale: "tr").makeTokenizer()
        #expect(try turkish.tokens(of: "ISTANBUL Is") == ["ıstanbul", "ıs"])
    }

    @Test func tailoredRulesReallyDiffer() throws {
        // Why "fi" is excluded: its rules keep "a:b" together, the root rules do not.
        let finnish = try TokenizerConfiguration(level: .word, breakLocale: "fi").makeTokenizer()
        let root = try TokenizerConfiguration(level: .word).makeTokenizer()
        #expect(try finnish.tokens(of: "EU:n") == ["EU:n"])
        #expect(try root.tokens(of: "EU:n") == ["EU", ":", "n"])
    }

    /// Shakespeare with accents (e → é, as the benchmark's accented variant) and in Greek and
    /// Cyrillic letters (a letter-for-letter transliteration): generated non-English text.
    @Test func generatedNonEnglishRecordsMatchICU() throws {
        let records = try TestSupport.gzippedLines("tiny_shakespeare.txt.gz", count: 12_000)
        let greek = Dictionary(
            uniqueKeysWithValues: zip("abcdefghiklmnoprstuxyz", "αβψδεφγηικλμνοπρστυχυζ"))
        let cyrillic = Dictionary(
            uniqueKeysWithValues: zip(
                "abcdefghijklmnoprstuvyzABEKMHOPCTX",
                "абцдефгхийклмнопрстуvызАВЕКМНОРСТХ"))
        var generated: [String] = []
        for (index, record) in records.enumerated() {
            switch index % 4 {
            case 0: generated.append(record.replacingOccurrences(of: "e", with: "é"))
            case 1: generated.append(String(record.map { greek[$0] ?? $0 }))
            case 2: generated.append(String(record.map { cyrillic[$0] ?? $0 }))
            default:
                generated.append(
                    record.replacingOccurrences(of: "'", with: "\u{2019}").replacingOccurrences(
                        of: "a", with: "a\u{300}"))
            }
        }
        try Self.compareRecords(generated, minimumPlain: 0.99)
    }

    /// Real non-English text when the machine has it: the translations in the system's gettext
    /// catalogs (French, German, Russian, Greek, Ukrainian, Polish, Czech, Spanish, Vietnamese).
    @Test(arguments: ["fr", "de", "ru", "el", "uk", "pl", "cs", "es", "vi"])
    func translatedMessagesMatchICU(_ language: String) throws {
        let directory = URL(fileURLWithPath: "/usr/share/locale/\(language)/LC_MESSAGES")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        var records: [String] = []
        for name in names.sorted() where name.hasSuffix(".mo") && records.count < 4000 {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            records += Self.translations(in: data).flatMap { $0.split(separator: "\n").map(String.init) }
        }
        guard !records.isEmpty else { return }
        try Self.compareRecords(Array(records.prefix(4000)))
    }

    /// The translated strings of a gettext .mo catalog (little-endian; plural forms split).
    static func translations(in data: Data) -> [String] {
        let bytes = [UInt8](data)
        func word(_ offset: Int) -> Int {
            guard offset + 4 <= bytes.count else { return 0 }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(
                bytes[offset + 3]) << 24
        }
        guard word(0) == 0x9504_12DE else { return [] }
        let count = word(8), table = word(16)
        var strings: [String] = []
        for index in 0..<count {
            let length = word(table + 8 * index), offset = word(table + 8 * index + 4)
            guard length > 0, offset + length <= bytes.count else { continue }
            for part in bytes[offset..<(offset + length)].split(separator: 0) {
                if let string = String(validating: part, as: UTF8.self) { strings.append(string) }
            }
        }
        return strings
    }

    /// Random text of plain-text characters with now and then one that is not, through whole
    /// tokenizers with the fast path on and off, in configurations that map characters.
    @Test func randomTextTokenizesAsWithICU() throws {
        let units = Self.plainTextUnits
        let weighted =
            units + Array(String(repeating: "aZ9_.',; ’éÉλΣж·\u{301}\u{AD}\u{2003}\u{A0}", count: 30).utf16)
        let foreign: [UInt16] = [0x05D0, 0x0E01, 0x30A2, 0x65E5, 0x200D, 0x00A9, 0x2150]
        var generator = SplitMix64(seed: 0xF00D)
        for configuration in [
            TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: ""),
            TokenizerConfiguration(level: .word, normalization: .none, lowercaseLocale: "lt", keepsPunctuation: false),
            TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "el"),
            TokenizerConfiguration(level: .word, normalization: .nfkcCasefold),
            TokenizerConfiguration(level: .word)
        ] {
            let fast = try Tokenizer(configuration: configuration, plainTextFastPath: true)
            let slow = try Tokenizer(configuration: configuration, plainTextFastPath: false)
            var differing: [String] = []
            for _ in 0..<6000 {
                let text = generator.mixedText(maxLength: 30, common: weighted, rare: foreign, rareOneIn: 200)
                let string = String(decoding: text, as: UTF16.self)
                if try fast.tokens(of: string) != slow.tokens(of: string), differing.count < 10 {
                    differing.append(string)
                }
            }
            #expect(
                differing.isEmpty,
                "\(configuration): \(differing.map { $0.unicodeScalars.map { String($0.value, radix: 16) } })")
        }
    }

    /// Lines of a corpus in the repository (gzip read by zcat; a directory: all its files' lines).
    static func lines(of name: String) throws -> [String] {
        let url = TestSupport.corpora.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        if isDirectory.boolValue {
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().flatMap {
                try lines(of: "\(name)/\($0)")
            }
        }
        if name.hasSuffix(".gz") { return try TestSupport.gzippedLines(name, count: Int.max) }
        let text = try String(contentsOf: url, encoding: .utf8)
        // Keep CR: "\r\n" is a segment of its own kind.
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

extension SplitMix64 {
    /// 1…`maxLength` units, each from `rare` one time in `rareOneIn` and from `common` otherwise.
    mutating func mixedText(maxLength: UInt64, common: [UInt16], rare: [UInt16], rareOneIn: UInt64) -> [UInt16] {
        let length = Int(next() % maxLength) + 1
        return (0..<length).map { _ in
            next() % rareOneIn == 0
                ? rare[Int(next() % UInt64(rare.count))] : common[Int(next() % UInt64(common.count))]
        }
    }
}
