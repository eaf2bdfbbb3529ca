import Foundation
import Testing
@_spi(Testing) @testable import Tokenization

/// The proof that the plain-text fast path is exact: `PlainTextWordBreak` must report ICU's
/// boundaries *and* rule statuses, and `PlainText` must produce what ICU's conversion,
/// normalization and lowercasing produce, for every input it accepts.
///
/// - every string of up to 6 units over one representative of each word-break class (1.1 M);
///   `PLAIN_TEXT_EXHAUSTIVE_LENGTH=8` (or more) extends that, for a run by hand;
/// - every plain-text unit in place of its class's representative, up to 3 units;
/// - random strings over all 128 ASCII units and the marks;
/// - every plain-text record of the repository's corpora, tokens with and without punctuation.
@Suite struct PlainTextWordBreakTests {
    /// One or two of each class: letter, digit, "_", MidNumLet ("." and "’"), MidNum (","),
    /// space, CR, LF (Other, but whitespace and WB3's partner) and Other ("-"). The other units
    /// of each class are checked against these in `everyPlainTextUnitBehavesLikeItsClass`.
    static let representatives: [UInt16] = Array("a1_.’, \r\n-".utf16)

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
                        iterator.nextBatch(boundaries: ends.baseAddress!, ruleStatuses: statuses.baseAddress!, capacity: ends.count)
                    }
                }
                if count == 0 { break }
                for index in 0..<count { output.append(Int64(ends[index]) << 32 | Int64(statuses[index])) }
            }
        }
    }

    static func fastSegments(_ text: UnsafeBufferPointer<UInt16>, into output: inout [Int64]) {
        output.removeAll(keepingCapacity: true)
        PlainTextWordBreak.forEachSegment(in: text) { _, end, status in output.append(Int64(end) << 32 | Int64(status)) }
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
                failures.append("\(text.map { String(format: "%04X", $0) }) ICU \(describe(expected)) fast \(describe(actual))")
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

    @Test func everyPlainTextUnitBehavesLikeItsClass() throws {
        let icu = try ICUReference()
        let core = Self.representatives
        for unit in (0..<128).map(UInt16.init) + PlainText.marks {
            for length in 1...3 {
                let failures = try Self.compareAllStrings(over: core + [unit], length: length, icu)
                #expect(failures.isEmpty, "unit \(unit), length \(length): \(failures)")
            }
        }
    }

    @Test func randomPlainTextMatchesICU() throws {
        let icu = try ICUReference()
        let units = (0..<128).map(UInt16.init) + PlainText.marks
        // Letters, digits and separators more often than controls, so long words and numbers occur.
        let weighted = units + Array(String(repeating: "aZ9_.',; ’", count: 12).utf16)
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

    /// The shipped corpora, and PTB when `scripts/fetch-ptb.sh` has fetched it (it is not shipped).
    @Test(arguments: ["web_sentences.txt.gz", "tiny_shakespeare.txt.gz", "ptb/ptb.train.txt", "penguins_raw.csv", "csv-spectrum"])
    func corpusRecordsMatchICU(_ name: String) throws {
        if name.hasPrefix("ptb/"), !FileManager.default.fileExists(atPath: TestSupport.corpora.appendingPathComponent(name).path) { return }
        let records = try Self.lines(of: name)
        let icu = try ICUReference()
        var expected: [Int64] = []
        var actual: [Int64] = []
        var segmentFailures: [String] = []
        var plain = 0
        let buffer = UTF16Buffer()
        for record in records {
            var utf8 = record
            let count = utf8.withUTF8 { PlainText.convert($0, into: buffer, lowercasing: false) }
            guard let count else {
                #expect(record.unicodeScalars.contains { $0.value >= 0x80 && !PlainText.marks.contains(UInt16(truncatingIfNeeded: $0.value)) })
                continue
            }
            plain += 1
            #expect(Array(buffer.prefix(count)) == Array(record.utf16))
            try icu.segments(buffer.prefix(count), into: &expected)
            Self.fastSegments(buffer.prefix(count), into: &actual)
            if expected != actual && segmentFailures.count < 10 { segmentFailures.append(record) }
        }
        #expect(segmentFailures.isEmpty, "\(segmentFailures)")
        #expect(plain > 0)
        // The same records through whole tokenizers, fast path on and off.
        for configuration in [
            TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: ""),
            TokenizerConfiguration(level: .word, keepsPunctuation: false),
            TokenizerConfiguration(level: .word, normalization: .nfkcCasefold, lowercaseLocale: "en", keepsPunctuation: true),
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

    /// The marks and ASCII are left alone by every normalization, and lowercased A–Z → a–z by
    /// every lowercasing locale but Turkish and Azeri — what `PlainText.convert` assumes.
    @Test(arguments: Normalization.allCases)
    func conversionMatchesICUNormalizationAndLowercasing(_ normalization: Normalization) throws {
        let all = (0..<128).map(UInt16.init) + PlainText.marks
        // Each unit alone and all together (case mapping can depend on context).
        let texts = all.map { [$0, 0x41, $0, 0x49, $0] } + [all, Array(all.reversed())]
        let buffer = UTF16Buffer()
        for locale in [nil, "", "en", "de", "fr", "nl", "lt", "el", "ja", "zh"] as [String?] {
            let normalizer = try Normalizer(normalization: normalization, lowercaseLocale: locale)
            #expect(normalizer.asciiLowercaseIsPlain)
            for text in texts {
                let string = String(decoding: text, as: UTF16.self)
                let utf8 = Array(string.utf8)
                let fast = utf8.withUnsafeBufferPointer { bytes in
                    PlainText.convert(bytes, into: buffer, lowercasing: locale != nil || normalization == .nfkcCasefold)
                        .map { Array(buffer.prefix($0)) }
                }
                let icu = try utf8.withUnsafeBufferPointer { bytes in Array(try normalizer.normalize(utf8: bytes)) }
                #expect(fast == icu, "\(normalization) \(locale ?? "nil") \(text)")
            }
        }
        for locale in ["tr", "az", "tr_TR"] {
            #expect(try !Normalizer(normalization: normalization, lowercaseLocale: locale).asciiLowercaseIsPlain)
        }
    }

    @Test func conversionRejectsEverythingElse() {
        let buffer = UTF16Buffer()
        for text in ["é", "naïve", "a\u{2015}b", "\u{2012}", "\u{2026}", "\u{00A0}", "e\u{301}", "日本", "🙂", "\u{201E}"] {
            var utf8 = text
            #expect(utf8.withUTF8 { PlainText.convert($0, into: buffer, lowercasing: true) } == nil, "\(text)")
        }
        // Ill-formed UTF-8 is ICU's (it becomes U+FFFD there).
        for bytes: [UInt8] in [[0xE2], [0xE2, 0x80], [0x61, 0xE2, 0x80], [0xE2, 0x99, 0x80], [0xFF], [0x80]] {
            #expect(bytes.withUnsafeBufferPointer { PlainText.convert($0, into: buffer, lowercasing: false) } == nil)
        }
        // Long runs use the eight-byte loop; its lowercasing must match the byte-wise one.
        let ascii = (0..<128).map { UInt8($0) }
        for lowercasing in [false, true] {
            let count = ascii.withUnsafeBufferPointer { PlainText.convert($0, into: buffer, lowercasing: lowercasing) }
            let expected = ascii.map { UInt16(lowercasing && (0x41...0x5A).contains($0) ? $0 | 0x20 : $0) }
            #expect(count.map { Array(buffer.prefix($0)) } == expected)
        }
    }

    @Test func fastPathIsOnExactlyWhereItIsExact() throws {
        // The verified rules are the linked ICU's root rules; a mismatch means ICU changed:
        // rerun this suite with the new rules' fingerprint (and PLAIN_TEXT_EXHAUSTIVE_LENGTH=8).
        let root = try ICUBreakIterator(.word, locale: "").binaryRules()
        #expect(PlainTextWordBreak.isExact(forRules: root),
                "root rules: \(root.count) bytes, fingerprint \(String(PlainTextWordBreak.fingerprint(root), radix: 16))")
        func uses(_ configuration: TokenizerConfiguration) throws -> Bool {
            try Tokenizer(configuration: configuration, plainTextFastPath: true).usesPlainTextFastPath
        }
        #expect(try uses(TokenizerConfiguration(level: .word)))
        #expect(try uses(TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "en", breakLocale: "en_US")))
        #expect(try uses(TokenizerConfiguration(level: .word, lowercaseLocale: "de", breakLocale: "ja")))
        // Tailored word rules (Finnish and Swedish keep ":" inside words; POSIX differs too).
        for locale in ["fi", "sv", "en_US_POSIX"] {
            #expect(try !uses(TokenizerConfiguration(level: .word, breakLocale: locale)), "\(locale)")
        }
        // Turkish and Azeri lowercase "I" to "ı".
        #expect(try !uses(TokenizerConfiguration(level: .word, lowercaseLocale: "tr")))
        #expect(try !uses(TokenizerConfiguration(level: .word, lowercaseLocale: "az_AZ")))
        #expect(try !Tokenizer(configuration: TokenizerConfiguration(level: .word), plainTextFastPath: false).usesPlainTextFastPath)
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

    /// Lines of a corpus in the repository (gzip read by zcat; a directory: all its files' lines).
    static func lines(of name: String) throws -> [String] {
        let url = TestSupport.corpora.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        if isDirectory.boolValue {
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().flatMap { try lines(of: "\(name)/\($0)") }
        }
        if name.hasSuffix(".gz") { return try TestSupport.gzippedLines(name, count: Int.max) }
        let text = try String(contentsOf: url, encoding: .utf8)
        // Keep CR: "\r\n" is a segment of its own kind.
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
