import Foundation
import Support
import Testing

@Suite struct FileTests {
    @Test func readsAndWritesAtPositions() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ids")
        try Data(repeating: 0, count: 64).write(to: URL(fileURLWithPath: path))
        let file = try OpenFile(path: path, access: .readWrite)
        #expect(try file.size() == 64)
        try Data([1, 2, 3, 4]).withUnsafeBytes { try file.write($0, at: 60) }
        try file.synchronize()
        var tail = [UInt8](repeating: 9, count: 6)
        try tail.withUnsafeMutableBytes { try file.read(into: $0, at: 58) }
        #expect(tail == [0, 0, 1, 2, 3, 4])
    }

    @Test func readingPastTheEndIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("short")
        try Data(count: 10).write(to: URL(fileURLWithPath: path))
        let file = try OpenFile(path: path, access: .readOnly)
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(throws: FileSystemError.cannotRead(path: path, code: EIO)) {
            try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        }
    }

    @Test func openingAMissingFileNamesIt() {
        #expect(throws: FileSystemError.cannotOpen(path: "/nonexistent-for-tests/x", code: ENOENT)) {
            try OpenFile(path: "/nonexistent-for-tests/x", access: .readOnly)
        }
    }

    @Test func mapsWholeFiles() throws {
        let directory = try TemporaryDirectory()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: directory.path("data")))
        let mapped = try MappedFile(path: directory.path("data"))
        #expect(Array(mapped.bytes) == bytes)
        mapped.releasePages(before: 50_000)
        #expect(Array(mapped.bytes) == bytes, "released pages are read again from the file")
        try Data().write(to: URL(fileURLWithPath: directory.path("empty")))
        #expect(try MappedFile(path: directory.path("empty")).bytes.isEmpty)
    }

    @Test func readsAFileFromStartToEndInPieces() throws {
        let directory = try TemporaryDirectory()
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: directory.path("data")))
        let file = try SequentialFile(path: directory.path("data"))
        #expect(file.isRegularFile)
        var read: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try piece.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { break }
            read += piece[0..<count]
        }
        #expect(read == bytes)
    }

    @Test func readsANamedPipeAsItComes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("fifo")
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data("through the pipe".utf8))
            try? handle?.close()
        }
        writer.start()
        let file = try SequentialFile(path: path)
        #expect(!file.isRegularFile)
        var read: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 5)
        while true {
            let count = try piece.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { break }
            read += piece[0..<count]
        }
        #expect(String(decoding: read, as: UTF8.self) == "through the pipe")
    }

    @Test func sequentialReadingOfAMissingFileNamesIt() {
        #expect(throws: FileSystemError.cannotOpen(path: "/nonexistent-for-tests/x", code: ENOENT)) {
            try SequentialFile(path: "/nonexistent-for-tests/x")
        }
        #expect(FileSystemError.cannotOpen(path: "/nonexistent-for-tests/x", code: ENOENT).code == ENOENT)
    }

    @Test func movesFiles() throws {
        let directory = try TemporaryDirectory()
        try Data("a".utf8).write(to: URL(fileURLWithPath: directory.path("a")))
        try Data("b".utf8).write(to: URL(fileURLWithPath: directory.path("b")))
        try FileSystem.move(directory.path("a"), to: directory.path("b"))
        #expect(try directory.contents() == ["b"])
        #expect(try String(contentsOfFile: directory.path("b"), encoding: .utf8) == "a")
        #expect(throws: FileSystemError.self) { try FileSystem.move(directory.path("a"), to: directory.path("c")) }
    }
}
