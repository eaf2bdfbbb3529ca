import Foundation
import Support
import TokenShards

/// `RUN/metrics.jsonl`: one JSON object per line, appended and flushed as training goes, so the
/// file can be watched (`tail -f`) or plotted mid-run. A resumed run first drops the lines
/// after its checkpoint's step, so the file describes exactly one history.
public final class MetricsLog {
    public static let fileName = "metrics.jsonl"
    public let url: URL
    private let handle: FileHandle
    private let encoder: JSONEncoder

    /// Opens the log; with `truncatingAfter` (resume), records after that step are removed first.
    public init(runDirectory: URL, truncatingAfter step: Int? = nil) throws {
        url = runDirectory.appendingPathComponent(Self.fileName)
        let fileManager = FileManager.default
        if let step {
            let kept = (try? Self.read(url))?.filter { $0.step <= step } ?? []
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var data = Data()
            for record in kept { data.append(try encoder.encode(record)); data.append(0x0A) }
            try AtomicFile.write(data, to: url)
        } else if !fileManager.createFile(atPath: url.path, contents: nil) {
            throw TrainingError.invalidSetting(
                "cannot create \(url.path): check that the run directory is writable and the disk not full")
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    deinit { try? handle.close() }

    public func append(_ record: MetricsRecord) throws {
        var data = try encoder.encode(record)
        data.append(0x0A)
        try handle.write(contentsOf: data)
    }

    /// Forces the lines appended so far to disk.
    public func synchronize() throws {
        try handle.synchronize()
    }

    /// Reads a metrics file; a torn last line (a run killed mid-write) is ignored.
    public static func read(_ url: URL) throws -> [MetricsRecord] {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        var records: [MetricsRecord] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            if let record = try? decoder.decode(MetricsRecord.self, from: Data(line)) { records.append(record) }
        }
        return records
    }
}
