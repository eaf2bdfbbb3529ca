import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

@Suite struct LineRecordParserTests {
    @Test func splitsLFAndCRLFAndCountsBlankLines() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("a.txt", "\u{FEFF}first\r\nsecond\n\n  \nlast without newline")
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records == ["first", "second", "  ", "last without newline"])
        #expect(outcome.locations.map(\.line) == [1, 2, 4, 5])
        #expect(outcome.report.blankLines == 1)
    }

    @Test func readsTheShippedSentencesCorpus() async throws {
        let path = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records.count == 50_155)
        #expect(outcome.records.first == "In the beginning, God created the heavens and the earth.")
        #expect(outcome.report.members.first?.compression == ["gzip"])
        // Chunks number their records consecutively across the stream.
        var expected = 0
        for chunk in outcome.chunks {
            #expect(chunk.firstRecordIndex == expected)
            expected += chunk.count
        }
    }

    @Test func overLongLinesAreSkippedWithBoundedMemory() async throws {
        let directory = try TemporaryDirectory()
        // 3 MB without a line break between two short lines; the limit is 64 KiB.
        let long = String(repeating: "x", count: 3_000_000)
        let path = try directory.write("long.txt", "before\n\(long)\nafter\n")
        let outcome = try await readAll([path]) {
            $0.maxRecordBytes = 65_536; $0.chunkBytes = 16_384
        }
        #expect(outcome.error == nil)
        #expect(outcome.records == ["before", "after"])
        #expect(outcome.report.skippedByKind["record-too-large"] == 1)
        #expect(outcome.report.examples.first?.location.line == 2)
    }

    @Test func aFileWithNoLineBreakAtAllIsOneOverLongRecord() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("none.txt", String(repeating: "y", count: 2_000_000))
        let outcome = try await readAll([path]) { $0.maxRecordBytes = 100_000 }
        #expect(outcome.records.isEmpty)
        #expect(outcome.report.skippedByKind["record-too-large"] == 1)
    }
}
