import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

@Suite struct UTF8ValidationTests {
    /// The verdict, the same on every scanner path the machine runs (checked here).
    func valid(_ bytes: [UInt8]) -> Bool {
        let verdicts = ByteScanning.InstructionSet.allCases.filter(\.isSupported).map { isa in
            bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0, on: isa) }
        }
        #expect(Set(verdicts).count == 1, "paths disagree on \(bytes)")
        return verdicts[0]
    }

    @Test func acceptsWellFormedText() {
        #expect(valid(Array("plain ascii that is longer than eight bytes".utf8)))
        #expect(valid(Array("é ü € 😀 ʤ 日本語".utf8)))
        #expect(valid([]))
    }

    @Test func rejectsMalformedSequences() {
        #expect(!valid([0x80]))  // lone continuation
        #expect(!valid([0xC0, 0xAF]))  // overlong
        #expect(!valid([0xE0, 0x80, 0xAF]))  // overlong 3-byte
        #expect(!valid([0xED, 0xA0, 0x80]))  // surrogate
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))  // beyond U+10FFFF
        #expect(!valid([0x61, 0x62, 0xE2, 0x82]))  // cut short at the end
        #expect(!valid(Array("abcdefgh".utf8) + [0xFF]))
    }

    @Test func invalidRecordsAreRepairedOrSkippedByPolicy() async throws {
        let directory = try TemporaryDirectory()
        var data = Data("good line\nbad ".utf8)
        data.append(contentsOf: [0xFF, 0xFE])
        data.append(Data(" line\nlast\n".utf8))
        let path = try directory.write("mixed.txt", data)
        let repaired = try await readAll([path])
        #expect(repaired.records == ["good line", "bad \u{FFFD}\u{FFFD} line", "last"])
        #expect(repaired.report.repairedRecords == 1)
        #expect(repaired.report.skipped == 0)
        let skipped = try await readAll([path]) { $0.invalidUTF8 = .skip }
        #expect(skipped.records == ["good line", "last"])
        #expect(skipped.report.skippedByKind["invalid-utf8"] == 1)
        #expect(skipped.report.examples.first?.location.line == 2)
    }
}
