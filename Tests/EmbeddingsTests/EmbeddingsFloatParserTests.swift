import Foundation
import Testing

@testable import Embeddings

@Suite struct EmbeddingsFloatParserTests {
    func parse(_ text: String) -> Float? {
        var text = text
        return text.withUTF8 { DecimalFloatParser.parse($0.baseAddress!, $0.count) }
    }

    func strtofValue(_ text: String) -> Float? {
        var end: UnsafeMutablePointer<CChar>?
        return text.withCString { start in
            let value = strtof(start, &end)
            return end! - UnsafeMutablePointer(mutating: start) == text.utf8.count && !text.isEmpty ? value : nil
        }
    }

    func same(_ a: Float?, _ b: Float?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a?, b?): a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        default: false
        }
    }

    @Test func gloveForms() {
        for text in [
            "0.418", "-0.38497", "0", "-0", "0.0", "-0.0", "1e-05", "-3.2E+4", "4.2e1", "123456", ".5", "5.", "+1.5",
            "0.00012345", "16777216", "16777217", "0.1234567890123", "1e-10", "1e10", "1e38", "1e-45", "3.4028236e38",
            "nan", "inf", "-Infinity", "0x1p3", "1e", "e5", "-", ".", "", "1.2.3", "1e+", "--1", "1 ", "12a",
            "0.579790", "-0.006986", "9999999999999999999999", "0.000000000000000000000000000000000000000000001"
        ] {
            #expect(
                same(parse(text), strtofValue(text)),
                "\(text): \(String(describing: parse(text))) vs \(String(describing: strtofValue(text)))")
        }
    }

    @Test func fieldsNeverIncludeWhiteSpace() {
        #expect(parse(" 1") == nil && parse("1\t") == nil)
    }

    @Test func randomDecimalsEqualStrtof() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            let digits = Int.random(in: 1...10, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            let point = Int.random(in: 0...digits, using: &generator)
            for index in 0..<digits {
                if index == point && index > 0 { text += "." }
                text += String(Int.random(in: 0...9, using: &generator))
            }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                text += (Bool.random(using: &generator) ? "e" : "E") + (Bool.random(using: &generator) ? "-" : "")
                text += String(Int.random(in: 0...40, using: &generator))
            }
            #expect(same(parse(text), strtofValue(text)), "\(text)")
        }
    }
}
