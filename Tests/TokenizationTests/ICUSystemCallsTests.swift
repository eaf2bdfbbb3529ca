import Testing

@testable import Tokenization

@Suite struct ICUSystemCallsTests {
    @Test func icuReportsAUnicodeVersion() {
        let parts = ICUInfo.unicodeVersion.split(separator: ".")
        #expect(parts.count >= 2)
        #expect((Int(parts[0]) ?? 0) >= 13)
    }

    @Test func errorNamesComeFromICU() {
        #expect(ICUSystemCalls.errorName(ICUSystemCalls.bufferOverflowStatus) == "U_BUFFER_OVERFLOW_ERROR")
        #expect(ICUSystemCalls.errorName(0) == "U_ZERO_ERROR")
        #expect(throws: TokenizationError.icuFailure(operation: "test", statusName: "U_BUFFER_OVERFLOW_ERROR")) {
            try ICUSystemCalls.check(ICUSystemCalls.bufferOverflowStatus, "test")
        }
        // Warnings (negative statuses) are not failures.
        #expect(throws: Never.self) { try ICUSystemCalls.check(-128, "test") }
    }

    @Test(arguments: [
        ("tr", true), ("tr_TR", true), ("tr-TR", true), ("en", true), ("", true), ("root", true),
        ("zh_Hans_CN", true), ("en@ss=standard", true), ("xx", false), ("klingon", false)
    ])
    func localesAreValidatedAgainstICU(locale: String, known: Bool) {
        #expect(ICUSystemCalls.localeIsKnown(locale) == known)
    }

    @Test func localeLanguageIsCanonical() {
        #expect(ICUSystemCalls.localeLanguage("tr-TR") == "tr")
        #expect(ICUSystemCalls.localeLanguage("AZ_latn") == "az")
    }

    @Test func conversionReplacesIllFormedUTF8() throws {
        let buffer = UTF16Buffer(capacity: 1)
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xE2, 0x82]  // a, invalid, b, truncated €
        let count = try bytes.withUnsafeBufferPointer { try ICUSystemCalls.convertUTF8($0, into: buffer) }
        #expect(String(decoding: buffer.prefix(count), as: UTF16.self) == "a\u{FFFD}b\u{FFFD}")
    }

    @Test func lowercasingGrowsItsBuffer() throws {
        // "İ" lowercases to two units in the root locale; a tiny buffer must be grown, not overrun.
        let source = Array(String(repeating: "İ", count: 100).utf16)
        let buffer = UTF16Buffer(capacity: 16)
        let count = try source.withUnsafeBufferPointer { try ICUSystemCalls.lowercase($0, locale: "", into: buffer) }
        #expect(count == 200)
        #expect(buffer.capacity >= 200)
    }

    @Test func breakIteratorReportsWordStatuses() throws {
        let iterator = try ICUBreakIterator(.word, locale: "")
        let text = Array("hi 42".utf16)
        var boundaries: [Int] = []
        var statuses: [Int32] = []
        try text.withUnsafeBufferPointer { buffer in
            try iterator.setText(buffer)
            while let boundary = iterator.next() {
                boundaries.append(boundary)
                statuses.append(iterator.ruleStatus)
            }
        }
        #expect(boundaries == [2, 3, 5])
        #expect(statuses.map { $0 / 100 } == [2, 0, 1])  // letter, none, number
    }
}
