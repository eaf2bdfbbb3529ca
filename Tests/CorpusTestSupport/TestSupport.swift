import CorpusReader
import Foundation

/// A fresh directory under the system's temporary folder, removed when the value goes away.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `contents` to `name` and returns the path.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        try write(name, Data(contents.utf8))
    }

    @discardableResult
    public func write(_ name: String, _ contents: Data) throws -> String {
        let path = url.appendingPathComponent(name).path
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: URL(fileURLWithPath: path))
        return path
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Runs a command-line tool (a compressor, tar, python3) and fails the test when it fails.
@discardableResult
public func runTool(_ arguments: [String], in directory: URL? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw ToolFailure(description: "\(arguments.joined(separator: " ")) failed: \(text)")
    }
    return text
}

public struct ToolFailure: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

/// Everything one read produced.
public struct ReadOutcome {
    public var records: [String] = []
    public var locations: [RecordLocation] = []
    public var fields: [Int] = []
    public var chunks: [RecordChunk] = []
    public var report = ReadReport()
    public var error: (any Error)?
}

/// Reads the inputs to the end (or to the first error) and gathers what came out.
public func readAll(
    _ paths: [String], _ configure: (inout ReaderOptions) -> Void = { _ in }
) async throws -> ReadOutcome {
    var options = ReaderOptions()
    configure(&options)
    let reader = try CorpusReader(inputs: paths.map(CorpusInput.file), options: options)
    var outcome = ReadOutcome()
    var iterator = reader.makeAsyncIterator()
    do {
        while let chunk = try await iterator.next() {
            outcome.chunks.append(chunk)
            outcome.records += chunk.texts
            outcome.locations += (0..<chunk.count).map(chunk.location)
            outcome.fields += chunk.fields
        }
    } catch {
        outcome.error = error
    }
    outcome.report = iterator.report
    return outcome
}

/// The project's `corpora/` folder.
public let corporaDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("corpora")
