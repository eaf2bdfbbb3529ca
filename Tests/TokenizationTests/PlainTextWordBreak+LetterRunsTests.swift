import Foundation
import Testing

@testable import Tokenization

@Suite struct PlainTextLetterRunsTests {
    static func isASCIILetter(_ unit: UInt16) -> Bool {
        (0x41...0x5A).contains(unit) || (0x61...0x7A).contains(unit)
    }

    static func run(_ units: [UInt16]) -> Int {
        units.withUnsafeBufferPointer { PlainTextWordBreak.asciiLetterRun(at: $0.baseAddress!) }
    }

    /// Every plain-text unit in every lane of the window, between letters: the run stops at it
    /// exactly when it is not an ASCII letter (the neighbours of A–Z and a–z, "@", "[", "`", "{",
    /// and letters such as "Á" whose low byte looks like one, included).
    @Test func everyUnitInEveryLane() {
        var failures: [String] = []
        for unit in PlainTextWordBreakTests.plainTextUnits {
            for lane in 0..<8 {
                var window = [UInt16](repeating: UInt16(UInt8(ascii: "q")), count: 8)
                window[lane] = unit
                let expected = Self.isASCIILetter(unit) ? 8 : lane
                if Self.run(window) != expected && failures.count < 10 {
                    failures.append(String(format: "U+%04X in lane %d: %d", unit, lane, Self.run(window)))
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func runsOfEveryLength() {
        for length in 0...8 {
            let window = Array("aZbYcXdW".utf16.prefix(length)) + [UInt16](repeating: 0x20, count: 8 - length)
            #expect(Self.run(window) == length)
        }
    }
}
