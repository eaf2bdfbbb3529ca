import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs are opened once and recognised from their bytes: gzip goes to ISA-L, archives inside
/// gzip and everything else to libarchive; pipes and standard input are never reopened.
@Suite(.serialized) struct MemberStreamTests {
    let lines = (1...3_000).map { "row \($0) of the piped corpus" }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// Reads `path` through a named pipe that a writer thread fills.
    func readThroughFIFO(_ data: Data, in directory: TemporaryDirectory) async throws -> ReadOutcome {
        let fifo = directory.path("pipe-\(UUID().uuidString)")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            // Opening a FIFO for writing blocks until the reader opens it.
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(data)
            try? handle.close()
        }
        writer.start()
        return try await readAll([fifo])
    }

    @Test func gzipAndPlainTextAndTarThroughANamedPipe() async throws {
        let directory = try TemporaryDirectory()
        let plain = try directory.write("p.txt", text)
        try runTool(["gzip", "-k", plain])
        try runTool(["tar", "-cf", "p.tar", "p.txt"], in: directory.url)
        try runTool(["gzip", "-k", "p.tar"], in: directory.url)
        let gz = try await readThroughFIFO(try Data(contentsOf: URL(fileURLWithPath: plain + ".gz")), in: directory)
        #expect(gz.error == nil)
        #expect(gz.records == lines)
        #expect(gz.report.verifiedChecksums == 1)
        #expect(gz.report.members.first?.compression == ["gzip"])
        let raw = try await readThroughFIFO(Data(text.utf8), in: directory)
        #expect(raw.error == nil)
        #expect(raw.records == lines)
        let tgz = try await readThroughFIFO(
            try Data(contentsOf: URL(fileURLWithPath: directory.path("p.tar.gz"))), in: directory)
        #expect(tgz.error == nil)
        #expect(tgz.records == lines)
        #expect(tgz.report.members.map(\.name) == ["p.txt"])
        let tar = try await readThroughFIFO(
            try Data(contentsOf: URL(fileURLWithPath: directory.path("p.tar"))), in: directory)
        #expect(tar.records == lines)
    }

    @Test func gzipFromStandardInput() async throws {
        let directory = try TemporaryDirectory()
        let plain = try directory.write("s.txt", text)
        try runTool(["gzip", "-k", plain])
        let data = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let savedInput = dup(0)
        dup2(ends[0], 0)
        close(ends[0])
        defer {
            dup2(savedInput, 0)
            close(savedInput)
        }
        let writeEnd = ends[1]
        let writer = Thread {
            let handle = FileHandle(fileDescriptor: writeEnd, closeOnDealloc: true)
            handle.write(data)
            try? handle.close()
        }
        writer.start()
        let reader = try CorpusReader(inputs: [.standardInput], options: ReaderOptions())
        var iterator = reader.makeAsyncIterator()
        var records: [String] = []
        while let chunk = try await iterator.next() { records += chunk.texts }
        #expect(records == lines)
        #expect(iterator.report.verifiedChecksums == 1)
        #expect(iterator.report.members.first?.input == "-")
    }

    @Test func tarGzMembersAreReadAndTheGzipStreamIsVerified() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("d/a.txt", "alpha\nbeta\n")
        try directory.write("d/b.txt", text)
        try runTool(["tar", "-czf", "d.tar.gz", "d/a.txt", "d/b.txt"], in: directory.url)
        let path = directory.path("d.tar.gz")
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records == ["alpha", "beta"] + lines)
        #expect(outcome.report.members.map(\.name) == ["d/a.txt", "d/b.txt"])
        #expect(outcome.report.members.first?.compression == ["gzip"])
        #expect(outcome.report.members.first?.container.contains("tar") == true)
        #expect(outcome.report.verifiedChecksums == 1)
        // A damaged CRC in the gzip trailer around the tar is found after the last member.
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[data.count - 8] ^= 0xFF
        let broken = try directory.write("broken.tar.gz", data)
        let brokenOutcome = try await readAll([broken])
        let error = try #require(brokenOutcome.error as? CorpusError)
        #expect(error.localizedDescription.contains("broken.tar.gz"))
        #expect(error.localizedDescription.contains("CRC-32"))
    }
}
