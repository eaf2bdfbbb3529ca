import Foundation

/// Errors of the tokenizing passes and of their files (shard manifests, partial counts). Every
/// message is a full sentence naming the file or option at fault.
public enum TokenShardsError: LocalizedError, Sendable, Equatable {
    /// The options contradict each other, or the output directory cannot be used.
    case invalidOptions(String)
    /// The pass cannot run sharded as asked; `source` names the flag.
    case invalidShard(source: String, reason: String)
    /// A `manifest.json` is not a token-shard manifest.
    case notAShardManifest(path: String, format: String)
    /// Shard outputs (partial counts, shard manifests) cannot be merged: they disagree or are
    /// incomplete; `path` names the file at fault.
    case unmergeableShards(path: String, reason: String)
    /// A partial-counts file cannot be opened.
    case unreadableFile(path: String, reason: String)
    /// A partial-counts file is damaged, truncated or of another format.
    case unreadableCounts(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidOptions(message):
            return message
        case let .invalidShard(source, reason):
            return "\(source): \(reason)"
        case let .notAShardManifest(path, format):
            return "'\(path)' is not a token-shard manifest (format '\(format)')."
        case let .unmergeableShards(path, reason):
            return "Cannot merge '\(path)': \(reason)"
        case let .unreadableFile(path, reason):
            return "Cannot read '\(path)': \(reason)."
        case let .unreadableCounts(path, reason):
            return "'\(path)' is not a readable partial-counts file: \(reason)"
        }
    }
}
