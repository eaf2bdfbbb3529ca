import Foundation

/// Shared helpers for the tests (not a mirror of a source file).
enum TestSupport {
    /// Tests/TokenizationTests/Resources, located from this file (a test target cannot declare
    /// resources without editing Package.swift).
    /// Symlinks are resolved: the development harness links Tests/TokenizationTests into /work/main.
    static let testDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()

    static let resources = testDirectory.appendingPathComponent("Resources")

    /// /work/main/corpora (the repository's sample corpora).
    static let corpora = testDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
        "corpora")

    /// The first `count` lines of a gzipped corpus, decompressed by /bin/zcat.
    static func gzippedLines(_ name: String, count: Int) throws -> [String] {
        let path = corpora.appendingPathComponent(name).path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        let process = Process()
        // zcat | head: decompress only the beginning of the file.
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "/bin/zcat \"$0\" | head -n \"$1\"", path, String(count)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(count).map(String.init)
    }

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tokenization-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
