import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

@Suite struct TextRecordParserTests {
    @Test func piecesConcatenateToTheWholeStreamExactly() async throws {
        let path = corporaDirectory.appendingPathComponent("tiny_shakespeare.txt.gz").path
        let outcome = try await readAll([path]) {
            $0.format = .text; $0.chunkBytes = 4096
        }
        #expect(outcome.error == nil)
        let joined = outcome.records.joined()
        let expected = try runTool(["sh", "-c", "zcat '\(path)'"])
        #expect(joined == expected)
        // Each piece ends after a line break, so no character is cut in two.
        #expect(outcome.records.dropLast().allSatisfy { $0.hasSuffix("\n") })
    }

    @Test func aLongLineIsCutAtACodePointBoundary() async throws {
        let directory = try TemporaryDirectory()
        let text = String(repeating: "ü€😀", count: 20_000)  // 9 bytes per repeat, no line break
        let path = try directory.write("long.txt", text)
        let outcome = try await readAll([path]) {
            $0.format = .text; $0.chunkBytes = 4096; $0.maxRecordBytes = 5000
        }
        #expect(outcome.records.count > 10)
        #expect(outcome.records.joined() == text)
        #expect(outcome.report.repairedRecords == 0)
    }
}
