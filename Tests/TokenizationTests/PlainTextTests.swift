import Foundation
import Support
import Testing

@_spi(Testing) @testable import Tokenization

/// The proof that `PlainText.convert` with a `PlainTextMapping` produces what ICU's conversion,
/// normalization and lowercasing produce, for every input it accepts, under every normalization
/// and a range of lowercasing locales; and that it declines what it must leave to ICU.
@Suite struct PlainTextTests {
    static let locales: [String?] = [nil, "", "en", "de", "fr", "nl", "lt", "el", "ru", "uk", "pl", "vi", "ja"]

    /// `PlainText.convert` with the configuration's mapping, or nil where it declines.
    static func fast(_ utf8: [UInt8], _ mapping: PlainTextMapping, _ buffer: UTF16Buffer) -> [UInt16]? {
        utf8.withUnsafeBufferPointer { bytes in
            PlainText.convert(bytes, into: buffer, mapping: mapping).map { Array(buffer.prefix($0)) }
        }
    }

    static func icu(_ utf8: [UInt8], _ normalizer: Normalizer) throws -> [UInt16] {
        try utf8.withUnsafeBufferPointer { bytes in Array(try normalizer.normalize(utf8: bytes)) }
    }

    @Test(arguments: Normalization.allCases)
    func conversionMatchesICUNormalizationAndLowercasing(_ normalization: Normalization) throws {
        let units = PlainTextWordBreakTests.plainTextUnits
        let buffer = UTF16Buffer()
        var generator = SplitMix64(seed: 0xC0DE)
        for locale in Self.locales {
            let normalizer = try Normalizer(normalization: normalization, lowercaseLocale: locale)
            #expect(normalizer.asciiLowercaseIsPlain)
            let mapping = try #require(
                try PlainTextMapping.mapping(normalization: normalization, lowercaseLocale: locale))
            var accepted: [UInt16] = []
            var failures: [String] = []
            func compare(_ text: [UInt16]) throws {
                let utf8 = Array(String(decoding: text, as: UTF16.self).utf8)
                if let fast = Self.fast(utf8, mapping, buffer), try fast != Self.icu(utf8, normalizer),
                    failures.count < 10
                {
                    failures.append(text.map { String(format: "%04X", $0) }.joined(separator: " "))
                }
            }
            // Each character alone and between letters, capitals, "I", marks and itself (case
            // mapping and normalization can depend on context).
            for unit in units {
                for text in [
                    [unit], [0x41, unit, 0x49], [unit, unit], [0x3A3, unit], [unit, 0x301], [0x49, unit, 0x300],
                    [0x61, unit, 0x3A3]
                ] {
                    try compare(text)
                }
                if Self.fast(Array(String(decoding: [unit], as: UTF16.self).utf8), mapping, buffer) != nil {
                    accepted.append(unit)
                }
            }
            // All accepted characters together, and random strings of plain-text characters.
            try compare(accepted)
            try compare(accepted.reversed())
            for _ in 0..<3000 {
                let length = Int(generator.next() % 12) + 1
                try compare(
                    (0..<length).map { _ in
                        generator.next() % 2 == 0
                            ? accepted[Int(generator.next() % UInt64(accepted.count))]
                            : units[Int(generator.next() % UInt64(units.count))]
                    })
            }
            #expect(failures.isEmpty, "\(normalization) \(locale ?? "nil"): \(failures)")
            // The letters of Latin, Greek and Cyrillic text stay plain in every configuration.
            for text in [
                "é", "naïve", "Ærøskøbing", "Łódź", "Ελληνικά", "Москва", "Київ",
                "l’été", "«ça»", "a\u{00A0}b", "Tiếng Việt"
            ] {
                let utf8 = Array(text.utf8)
                #expect(
                    Self.fast(utf8, mapping, buffer) == (try Self.icu(utf8, normalizer)),
                    "\(text) \(normalization) \(locale ?? "nil")")
            }
        }
        for locale in ["tr", "az", "tr_TR"] {
            #expect(try !Normalizer(normalization: normalization, lowercaseLocale: locale).asciiLowercaseIsPlain)
            // Turkish lowercases "I" to "ı" — unless NFKC_Casefold has folded it to "i" first.
            let mapping = try PlainTextMapping.mapping(normalization: normalization, lowercaseLocale: locale)
            #expect((mapping == nil) == (normalization != .nfkcCasefold))
        }
    }

    @Test func contextDependentCharactersGoToICU() throws {
        let buffer = UTF16Buffer()
        let lowercasing = try #require(try PlainTextMapping.mapping(normalization: .nfc, lowercaseLocale: ""))
        let keepingCase = try #require(try PlainTextMapping.mapping(normalization: .none, lowercaseLocale: nil))
        let lithuanian = try #require(try PlainTextMapping.mapping(normalization: .none, lowercaseLocale: "lt"))
        // Final sigma depends on what follows; NFC composes e + U+0301; Lithuanian adds a dot
        // to "i" before accents.
        #expect(Self.fast(Array("ΟΔΟΣ".utf8), lowercasing, buffer) == nil)
        #expect(Self.fast(Array("ΟΔΟΣ".utf8), keepingCase, buffer) != nil)
        #expect(Self.fast(Array("e\u{301}".utf8), lowercasing, buffer) == nil)
        #expect(Self.fast(Array("e\u{301}".utf8), keepingCase, buffer) != nil)
        #expect(Self.fast(Array("I\u{300}".utf8), lithuanian, buffer) == nil)
        // Not plain text at all.
        for text in ["日本", "🙂", "שלום", "ไทย", "カナ", "a\u{200D}b", "\u{1F1E6}", "\u{2150}", "©"] {
            #expect(Self.fast(Array(text.utf8), keepingCase, buffer) == nil, "\(text)")
        }
        // Ill-formed UTF-8 is ICU's (it becomes U+FFFD there), overlong forms included.
        for bytes: [UInt8] in [
            [0xE2], [0xE2, 0x80], [0x61, 0xE2, 0x80], [0xE2, 0x99], [0xFF], [0x80], [0xC3], [0xC3, 0x41],
            [0xC0, 0xAE], [0xC1, 0xBF], [0xE0, 0x82, 0xA9], [0xE0, 0x9F, 0xBF], [0xE2, 0x80, 0x41], [0xED, 0xA0, 0x80]
        ] {
            #expect(Self.fast(bytes, keepingCase, buffer) == nil, "\(bytes)")
        }
    }

    @Test func theEightByteLoopMatchesTheByteWiseOne() throws {
        let buffer = UTF16Buffer()
        // Long runs use the eight-byte loop, also when a non-ASCII character interrupts a word at
        // each offset; its lowercasing must match the byte-wise one.
        let ascii = (0..<128).map { UInt8($0) }
        for lowercasing in [false, true] {
            let mapping = try #require(
                try PlainTextMapping.mapping(normalization: .none, lowercaseLocale: lowercasing ? "" : nil))
            #expect(
                Self.fast(ascii, mapping, buffer)
                    == ascii.map { UInt16(lowercasing && (0x41...0x5A).contains($0) ? $0 | 0x20 : $0) })
            for offset in 0..<20 {
                for accent in ["É", "ж", "\u{2019}"] {
                    let text = String(repeating: "ABCxyz", count: 3).prefix(offset) + accent + "QRSTUVWXYZ abc"
                    let normalizer = try Normalizer(normalization: .none, lowercaseLocale: lowercasing ? "" : nil)
                    #expect(
                        Self.fast(Array(text.utf8), mapping, buffer) == (try Self.icu(Array(text.utf8), normalizer)),
                        "\(text)")
                }
            }
        }
    }
}
