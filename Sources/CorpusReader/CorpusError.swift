import Foundation

/// Errors that stop a corpus read. Every message is a full sentence naming the input (and,
/// where it applies, the archive member, line and byte offset) and what is wrong.
public enum CorpusError: LocalizedError, Sendable, Equatable {
    /// The path does not exist or cannot be opened.
    case unreadableInput(path: String, reason: String)
    /// The path names a directory; the reader takes files (or `-` for standard input).
    case inputIsDirectory(path: String)
    /// libarchive failed on the data: truncated or corrupt compressed data, a damaged archive.
    case corruptInput(path: String, member: String?, uncompressedOffset: Int64, compressedOffset: Int64, reason: String)
    /// `--strict` is on and a record is bad.
    case invalidRecord(RecordIssue)
    /// A requested CSV column is not in a member's header.
    case unknownColumn(name: String, path: String, member: String?, header: [String])
    /// A requested CSV column index is beyond a row's fields (no header to check against).
    case columnOutOfRange(index: Int, fieldCount: Int, location: RecordLocation)
    /// A CSV/TSV header row is longer than `--max-record-bytes`; skipping it would make the
    /// first data row the header.
    case headerTooLarge(location: RecordLocation, limit: Int)
    /// No member of any input matched the `--member` patterns.
    case noMatchingMembers(patterns: [String])
    /// The options contradict each other or are malformed.
    case invalidOptions(String)
    /// A shard (`--shard I/N`, or the scheduler's variables) is malformed, missing or inconsistent;
    /// `source` names the flag or environment variable.
    case invalidShard(source: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .unreadableInput(path, reason):
            return "Cannot read '\(path)': \(reason)."
        case let .inputIsDirectory(path):
            return
                "'\(path)' is a directory; give the files inside it (for example '\(path)/*.csv.gz') or an archive of "
                    + "them."
        case let .corruptInput(path, member, uncompressed, compressed, reason):
            let place = member.map { "'\(path)', member '\($0)'" } ?? "'\(path)'"
            return
                "The data of \(place) is corrupt or truncated at uncompressed byte \(uncompressed) (compressed byte "
                    + "\(compressed)): \(reason). Records before that point were delivered."
        case let .invalidRecord(issue):
            return
                "\(issue.location): \(issue.reason.sentence) (--strict stops at the first bad record; without it such "
                    + "records are skipped and counted.)"
        case let .unknownColumn(name, path, member, header):
            let place = member.map { "'\(path)', member '\($0)'" } ?? "'\(path)'"
            return
                "Column '\(name)' is not in the header of \(place); the header has: "
                    + "\(header.map { "'\($0)'" }.joined(separator: ", "))."
        case let .columnOutOfRange(index, fieldCount, location):
            return
                "\(location): column \(index) was requested, but the row has only \(fieldCount) fields (columns count "
                    + "from 0)."
        case let .headerTooLarge(location, limit):
            return
                "\(location): the header row is longer than \(limit) bytes; a header is never skipped, so raise "
                    + "--max-record-bytes above its length (or use --no-header and choose columns by index)."
        case let .noMatchingMembers(patterns):
            return "No archive member matched \(patterns.map { "'\($0)'" }.joined(separator: " or "))."
        case let .invalidOptions(message):
            return message
        case let .invalidShard(source, reason):
            return "\(source): \(reason)"
        }
    }
}
