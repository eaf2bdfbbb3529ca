import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

/// Compression and archive formats are detected from the bytes, not from file names.
@Suite struct CompressionAndArchiveTests {
    let lines = (1...500).map { "line number \($0): the quick brown fox" }

    func plainFile(in directory: TemporaryDirectory, name: String = "plain.txt") throws -> String {
        try directory.write(name, lines.joined(separator: "\n") + "\n")
    }

    @Test(arguments: [
        ("gzip", ["gzip", "-c"]), ("bzip2", ["bzip2", "-c"]), ("xz", ["xz", "-c"]),
        ("zstd", ["zstd", "-q", "-c"]), ("lz4", ["lz4", "-q", "-c"])
    ])
    func compressedFilesReadLikeThePlainOne(filter: String, command: [String]) async throws {
        let directory = try TemporaryDirectory()
        let plain = try plainFile(in: directory)
        // A misleading name on purpose: detection must not trust it.
        let compressed = directory.path("data.bin")
        try runTool(["sh", "-c", "\(command.joined(separator: " ")) '\(plain)' > '\(compressed)'"])
        let outcome = try await readAll([compressed])
        #expect(outcome.error == nil)
        #expect(outcome.records == lines)
        #expect(outcome.report.members.first?.compression == [filter])
        #expect(outcome.report.members.first?.name == nil)
    }

    @Test func zipAndTarMembersAreReadInOrderAndSelectedByGlob() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("parts/a.txt", "alpha one\nalpha two\n")
        try directory.write("parts/b.csv", "text,n\n\"beta, one\",1\n")
        try directory.write("parts/notes.md", "# not a corpus\n")
        try runTool(
            [
                "python3", "-c",
                """
                import zipfile, tarfile
                with zipfile.ZipFile('c.zip', 'w', zipfile.ZIP_DEFLATED) as z:
                    for n in ['parts/a.txt', 'parts/b.csv', 'parts/notes.md']: z.write(n)
                with tarfile.open('c.tar.gz', 'w:gz') as t:
                    for n in ['parts/a.txt', 'parts/b.csv', 'parts/notes.md']: t.add(n)
                """
            ], in: directory.url)
        for archive in ["c.zip", "c.tar.gz"] {
            let all = try await readAll([directory.path(archive)])
            #expect(all.records == ["alpha one", "alpha two", "beta, one", "1", "# not a corpus"], "\(archive)")
            #expect(all.report.members.map(\.name) == ["parts/a.txt", "parts/b.csv", "parts/notes.md"])
            #expect(all.report.members.map(\.format) == [.lines, .csv, .lines])
            let selected = try await readAll([directory.path(archive)]) { $0.memberPatterns = ["*.txt", "*.csv"] }
            #expect(selected.records == ["alpha one", "alpha two", "beta, one", "1"])
            #expect(
                selected.locations.last
                    == RecordLocation(input: directory.path(archive), member: "parts/b.csv", line: 2))
            let none = try await readAll([directory.path(archive)]) { $0.memberPatterns = ["*.jsonl"] }
            #expect((none.error as? CorpusError) == .noMatchingMembers(patterns: ["*.jsonl"]))
        }
    }

    @Test func severalInputsAreReadOneAfterAnother() async throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("1.txt", "a\nb\n")
        let second = try directory.write("2.txt", "c\n")
        let outcome = try await readAll([first, second])
        #expect(outcome.records == ["a", "b", "c"])
        #expect(outcome.locations.map(\.input) == [first, first, second])
    }

    @Test func truncatedCompressedDataIsAnErrorAfterTheRecordsBeforeIt() async throws {
        let directory = try TemporaryDirectory()
        let text = (1...200_000).map { "record \($0) with some text to make it longer" }.joined(separator: "\n")
        let plain = try directory.write("big.txt", text)
        try runTool(["gzip", "-k", plain])
        let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        let cut = try directory.write("cut.gz", whole.prefix(whole.count / 2))
        let outcome = try await readAll([cut]) { $0.chunkBytes = 65_536 }
        let error = try #require(outcome.error as? CorpusError)
        guard case let .corruptInput(path, _, uncompressed, compressed, _) = error else {
            Issue.record("expected corruptInput, got \(error)")
            return
        }
        #expect(path == cut)
        #expect(uncompressed > 0 && compressed > 0)
        #expect(error.localizedDescription.contains("cut.gz"))
        #expect(outcome.records.count > 10_000)
        #expect(
            outcome.records.prefix(3) == [
                "record 1 with some text to make it longer", "record 2 with some text to make it longer",
                "record 3 with some text to make it longer"
            ])
    }

    // zstd, xz and bzip2 carry checksums that libarchive verifies; gzip's CRC-32 is checked by
    // the reader (ISA-L computes it while inflating).
    @Test(arguments: [["zstd", "-q", "-k"], ["xz", "-k"], ["bzip2", "-k"], ["gzip", "-k"]])
    func corruptBytesInsideACompressedStreamAreAnError(command: [String]) async throws {
        let directory = try TemporaryDirectory()
        let plain = try directory.write(
            "x.txt", (1...50_000).map { "line \($0 * 7919 % 100_003) of text" }.joined(separator: "\n"))
        try runTool(command + [plain])
        let suffix = ["zstd": ".zst", "xz": ".xz", "bzip2": ".bz2", "gzip": ".gz"][command[0]]!
        var data = try Data(contentsOf: URL(fileURLWithPath: plain + suffix))
        let middle = data.count / 2
        for offset in middle..<(middle + 400) { data[offset] = 0x55 }
        let broken = try directory.write("broken.bin", data)
        let outcome = try await readAll([broken])
        let error = try #require(outcome.error as? CorpusError)
        #expect(error.localizedDescription.contains("broken.bin"))
    }

    @Test func intactAndConcatenatedGzipAreBothVerified() async throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a.txt", "one\ntwo\n")
        let second = try directory.write("b.txt", "three\n")
        try runTool(["gzip", "-k", first, second])
        let single = try await readAll([first + ".gz"])
        #expect(single.report.verifiedChecksums == 1)
        #expect(single.report.warnings.isEmpty)
        let joined = directory.path("joined.gz")
        try runTool(["sh", "-c", "cat '\(first).gz' '\(second).gz' > '\(joined)'"])
        let concatenated = try await readAll([joined])
        #expect(concatenated.error == nil)
        #expect(concatenated.records == ["one", "two", "three"])
        // Every member's CRC-32 and length is checked; the count is per input.
        #expect(concatenated.report.verifiedChecksums == 1)
        #expect(concatenated.report.warnings.isEmpty)
    }

    @Test func emptyFilesGiveNoRecordsAndNoError() async throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.write("empty.csv", "")
        let outcome = try await readAll([empty])
        #expect(outcome.error == nil)
        #expect(outcome.records.isEmpty)
        try runTool(["gzip", "-k", empty])
        let compressed = try await readAll([empty + ".gz"])
        #expect(compressed.error == nil)
        #expect(compressed.records.isEmpty)
    }

    @Test func missingPathsAndDirectoriesAreRejectedBeforeReading() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: CorpusError.unreadableInput(path: directory.path("nope.txt"), reason: "no such file")) {
            try CorpusReader(inputs: [.file(directory.path("nope.txt"))], options: ReaderOptions())
        }
        #expect(throws: CorpusError.inputIsDirectory(path: directory.url.path)) {
            try CorpusReader(inputs: [.file(directory.url.path)], options: ReaderOptions())
        }
        let message = CorpusError.inputIsDirectory(path: "data").localizedDescription
        #expect(message.contains("'data' is a directory"))
    }

    @Test func stoppingEarlyStopsTheDecompressingThread() async throws {
        let path = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        for _ in 0..<20 {
            var options = ReaderOptions()
            options.chunkBytes = 4096
            options.chunksInFlight = 1
            let reader = try CorpusReader(inputs: [.file(path)], options: options)
            for try await chunk in reader where chunk.count > 0 { break }
        }
        // Reaching here without hanging is the test: each abandoned producer was released.
    }
}
