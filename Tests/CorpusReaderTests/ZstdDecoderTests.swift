import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

/// zstd files are decompressed by libzstd directly (frame checksums checked by libzstd).
@Suite struct ZstdDecoderTests {
    let lines = (1...3_000).map { "zstd line \($0): \($0 * 7919 % 10_007)" }

    func zstd(_ directory: TemporaryDirectory, _ name: String, _ contents: String) throws -> String {
        let plain = try directory.write(name, contents)
        try runTool(["zstd", "-q", "-f", "-k", plain])
        return plain + ".zst"
    }

    func corruptReason(_ outcome: ReadOutcome, _ path: String) throws -> String {
        let error = try #require(outcome.error as? CorpusError)
        guard case let .corruptInput(errorPath, _, _, _, reason) = error else {
            Issue.record("expected corruptInput, got \(error)")
            return ""
        }
        #expect(errorPath == path)
        #expect(error.localizedDescription.contains(URL(fileURLWithPath: path).lastPathComponent))
        return reason
    }

    @Test func framesOneAfterAnotherAreOneStream() async throws {
        let directory = try TemporaryDirectory()
        let first = try zstd(directory, "a.txt", lines[..<1000].joined(separator: "\n") + "\n")
        let second = try zstd(directory, "b.txt", lines[1000...].joined(separator: "\n") + "\n")
        let joined = directory.path("joined.zst")
        try runTool(["sh", "-c", "cat '\(first)' '\(second)' > '\(joined)'"])
        let outcome = try await readAll([joined]) { $0.chunkBytes = 4096 }
        #expect(outcome.error == nil)
        #expect(outcome.records == lines)
        #expect(outcome.report.members.first?.compression == ["zstd"])
        #expect(outcome.report.members.first?.container == "raw")
    }

    @Test func truncatedDataAndAWrongChecksumAreErrors() async throws {
        let directory = try TemporaryDirectory()
        let path = try zstd(directory, "x.txt", lines.joined(separator: "\n") + "\n")
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = try directory.write("cut.zst", whole.prefix(whole.count - 5))
        #expect(try corruptReason(try await readAll([cut]), cut).contains("zstd"))
        var badChecksum = whole
        badChecksum[whole.count - 1] ^= 0xFF
        let bad = try directory.write("bad.zst", badChecksum)
        #expect(try corruptReason(try await readAll([bad]), bad).contains("zstd"))
        let garbage = try directory.write("garbage.zst", whole + Data("trailing".utf8))
        #expect(try corruptReason(try await readAll([garbage]), garbage).contains("zstd"))
    }

    @Test func aTarInsideZstdIsReadByLibarchive() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("d/a.txt", lines.joined(separator: "\n") + "\n")
        try runTool(["tar", "-cf", "d.tar", "d/a.txt"], in: directory.url)
        try runTool(["zstd", "-q", "-f", "d.tar"], in: directory.url)
        let outcome = try await readAll([directory.path("d.tar.zst")])
        #expect(outcome.error == nil)
        #expect(outcome.records == lines)
        #expect(outcome.report.members.map(\.name) == ["d/a.txt"])
        #expect(outcome.report.members.first?.compression == ["zstd"])
    }
}
