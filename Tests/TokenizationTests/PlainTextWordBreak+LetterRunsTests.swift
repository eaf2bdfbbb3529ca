import Foundation
import Testing

@testable import Tokenization

@Suite struct PlainTextLetterRunsTests {
    static func isLatinLetter(_ unit: UInt16) -> Bool {
        (0x41...0x5A).contains(unit) || (0x61...0x7A).contains(unit)
            || ((0xC0...0x24F).contains(unit) && unit != 0xD7 && unit != 0xF7)
    }

    static func run(_ units: [UInt16]) -> Int {
        units.withUnsafeBufferPointer { PlainTextWordBreak.latinLetterRun(at: $0.baseAddress!) }
    }

    /// The run may take a unit only if the letter loop would treat it as a letter.
    @Test func everyLatinLetterIsInClassLetter() {
        let notLetters = PlainTextWordBreakTests.plainTextUnits.filter {
            Self.isLatinLetter($0) && PlainTextWordBreak.classes[Int($0)] != PlainTextWordBreak.letter
        }
        #expect(notLetters.isEmpty, "\(notLetters.map { String(format: "U+%04X", $0) })")
    }

    /// Every plain-text unit in every lane of the window, between letters: the run stops at it
    /// exactly when it is not a Latin letter (the neighbours of A–Z, a–z and U+00C0–U+024F, "@",
    /// "[", "`", "{", × and ÷, and units whose low byte looks like a letter's, included).
    @Test func everyUnitInEveryLane() {
        var failures: [String] = []
        for unit in PlainTextWordBreakTests.plainTextUnits {
            for lane in 0..<8 {
                var window = [UInt16](repeating: UInt16(UInt8(ascii: "q")), count: 8)
                window[lane] = unit
                let expected = Self.isLatinLetter(unit) ? 8 : lane
                if Self.run(window) != expected && failures.count < 10 {
                    failures.append(String(format: "U+%04X in lane %d: %d", unit, lane, Self.run(window)))
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func runsOfEveryLength() {
        for length in 0...8 {
            let window = Array("aZéÀbŸcɏ".utf16.prefix(length)) + [UInt16](repeating: 0x20, count: 8 - length)
            #expect(Self.run(window) == length)
        }
    }
}
