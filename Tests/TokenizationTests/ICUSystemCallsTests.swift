import Testing
@testable import Tokenization

@Test func icuReportsAUnicodeVersion() {
    let parts = ICUInfo.unicodeVersion.split(separator: ".")
    #expect(parts.count >= 2)
    #expect((Int(parts[0]) ?? 0) >= 13)
}
