import CorpusReader
import Foundation
import Support

/// A running CRC-32 over records, for ``ShardManifest/recordsChecksum``.
public struct RecordsChecksum: Sendable {
    private var crc = CRC32()
    /// Bytes checksummed so far (records and their separators).
    public private(set) var bytes: Int64 = 0

    public init() {}

    public mutating func add(_ chunk: RecordChunk) {
        chunk.utf8.withUnsafeBufferPointer { all in
            let separator: [UInt8] = [0]
            for index in 0..<chunk.count {
                crc.update(UnsafeBufferPointer(rebasing: all[chunk.range(of: index)]))
                separator.withUnsafeBufferPointer { crc.update($0) }
            }
        }
        bytes += Int64(chunk.utf8.count + chunk.count)
    }

    public var text: String { Self.text(crc.value) }

    static func text(_ value: UInt32) -> String { String(format: "crc32:%08x", value) }

    /// The checksum of parts read one after another, from each part's ``text`` and ``bytes``;
    /// nil if a text is not a checksum this type wrote.
    public static func concatenated(_ parts: [(text: String, bytes: Int64)]) -> String? {
        var value: UInt32 = 0
        for part in parts {
            guard part.text.hasPrefix("crc32:"), let crc = UInt32(part.text.dropFirst(6), radix: 16) else { return nil }
            value = CRC32.combine(value, crc, secondLength: part.bytes)
        }
        return text(value)
    }
}
