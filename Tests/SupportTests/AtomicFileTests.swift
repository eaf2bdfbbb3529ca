import Foundation
import Support
import Testing

@Suite struct AtomicFileTests {
    @Test func replacesTheFileAndLeavesNoTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        let target = directory.url.appendingPathComponent("out.json")
        try AtomicFile.write(Data("first".utf8), to: target)
        try AtomicFile.write(Data("second".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "second")
        #expect(try directory.contents() == ["out.json"])
    }

    @Test func aFailureNamesThePath() {
        let target = URL(fileURLWithPath: "/nonexistent-directory-for-tests/out.json")
        #expect {
            try AtomicFile.write(Data(), to: target)
        } throws: { error in
            guard let error = error as? FileSystemError, case .cannotOpen = error else { return false }
            return error.localizedDescription.contains("/nonexistent-directory-for-tests/")
                && error.reason == String(cString: strerror(ENOENT))
        }
    }

    @Test func aWriterShowsNothingUntilItCommits() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("matrix.npy")
        let writer = try AtomicFileWriter(path: path, temporaryPath: path + ".tmp")
        try Data("..........body".utf8).withUnsafeBytes { try writer.append($0) }
        try Data("header".utf8).withUnsafeBytes { try writer.write($0, at: 0) }
        #expect(writer.length == 14)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try directory.contents() == ["matrix.npy.tmp"])
        try writer.commit(.temporary)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "header....body")
        #expect(try directory.contents() == ["matrix.npy"])
    }

    /// Every durability moves the same bytes into place; starting the writing early is a hint
    /// that changes nothing a reader sees, and a forced file can be forced again.
    @Test(arguments: [AtomicFileWriter.Durability.forced, .writebackStarted, .temporary])
    func everyDurabilityCommitsTheSameBytes(durability: AtomicFileWriter.Durability) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ids.npy")
        let writer = try AtomicFileWriter(path: path)
        let bytes = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try writer.append(contentsOf: bytes)
        try writer.commit(durability)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
        #expect(try directory.contents() == ["ids.npy"])
        let reopened = try OpenFile(path: path, access: .readOnly)
        reopened.startWriteback()
        try reopened.synchronize()
    }

    @Test func anAbandonedWriterLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        do {
            let writer = try AtomicFileWriter(path: directory.path("out.txt"))
            try Data("partial".utf8).withUnsafeBytes { try writer.append($0) }
        }
        #expect(try directory.contents().isEmpty)
    }
}
