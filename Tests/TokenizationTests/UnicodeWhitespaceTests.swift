import Testing

@testable import Tokenization

@Suite struct UnicodeWhitespaceTests {
    @Test func tableMatchesICUWhiteSpaceForEveryBMPUnit() {
        var mismatches: [UInt16] = []
        for unit in UInt16.min...UInt16.max {
            let icu = (0xD800...0xDFFF).contains(unit) ? false : ICUSystemCalls.isWhiteSpace(UInt32(unit))
            if UnicodeWhitespace.contains(unit) != icu { mismatches.append(unit) }
        }
        #expect(mismatches.isEmpty)
        // No supplementary character is White_Space, so a unit test suffices (spot-check the
        // SMP, where most symbols live, and the tag block).
        #expect(!(0x10000...0x1FFFF).contains { ICUSystemCalls.isWhiteSpace(UInt32($0)) })
        #expect(!(0xE0000...0xE007F).contains { ICUSystemCalls.isWhiteSpace(UInt32($0)) })
    }

    @Test func trimmingRemovesOuterWhitespaceOnly() {
        let text = Array(" \u{3000}a b\n\u{85}".utf16)
        let trimmed = text.withUnsafeBufferPointer { String(decoding: UnicodeWhitespace.trimmed($0), as: UTF16.self) }
        #expect(trimmed == "a b")
    }
}
