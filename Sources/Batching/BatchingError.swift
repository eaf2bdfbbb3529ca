import Foundation

/// What can go wrong before or while batching, as full sentences naming the file.
public enum BatchingError: LocalizedError, Sendable, Equatable {
    /// The shard directory does not exist.
    case missingShardDirectory(path: String)
    /// The directory exists but has no manifest: the tokenizing run did not finish.
    case incompleteShardDirectory(path: String)
    /// The manifest cannot be read or decoded.
    case unreadableManifest(path: String, reason: String)
    /// A shard file the manifest lists is not there.
    case missingShardFile(path: String)
    /// A shard file is not a readable `.npy` of the right type.
    case unreadableShardFile(path: String, reason: String)
    /// A shard file disagrees with the manifest or its offsets are not a valid partition.
    case inconsistentShard(path: String, reason: String)
    /// A shard holds an id outside the vocabulary (or a negative one): the shards were written
    /// with another vocabulary, or the file was damaged.
    case idOutOfVocabulary(path: String, element: Int, sequence: Int, value: Int32, vocabularySize: Int?)
    case invalidOptions(String)
    /// One of ``BatchingOptions`` is out of bounds or conflicts with another: which, and why.
    case invalidOption(BatchingOptions.Setting, String)

    public var errorDescription: String? {
        switch self {
        case let .missingShardDirectory(path):
            "The token-shard directory '\(path)' does not exist; create it with `vae-pipeline tokenize --out \(path)`."
        case let .incompleteShardDirectory(path):
            "The token-shard directory '\(path)' has no manifest.json: it was not finished by `vae-pipeline tokenize` "
                + "(the run stopped or failed); run it again."
        case let .unreadableManifest(path, reason):
            "The shard manifest '\(path)' cannot be read: \(reason)"
        case let .missingShardFile(path):
            "The shard file '\(path)' named in the manifest is missing; the directory is incomplete or was changed "
                + "after `vae-pipeline tokenize`, so tokenize again."
        case let .unreadableShardFile(path, reason):
            "The shard file '\(path)' cannot be read: \(reason)"
        case let .inconsistentShard(path, reason):
            "The shard file '\(path)' is inconsistent: \(reason) Tokenize the corpus again."
        case let .idOutOfVocabulary(path, element, sequence, value, vocabularySize):
            "The shard file '\(path)' holds the id \(value) at element \(element) (sequence \(sequence) of the shard), "
                + (vocabularySize.map { "outside the vocabulary's ids 0…\($0 - 1)" } ?? "and ids cannot be negative")
                + ": the shards were written with another vocabulary or the file is damaged. Tokenize the corpus "
                    + "again with the vocabulary the run uses."
        case let .invalidOptions(message), let .invalidOption(_, message):
            message
        }
    }
}
