import Foundation
import TokenShards

/// A checked token-shard directory: its manifest and, per shard, the files, counts and the
/// position of its first sequence in the whole stream.
struct ShardLayout: Sendable {
    struct Shard: Sendable {
        var ids: URL
        var offsets: URL
        var sequences: Int
        var tokens: Int
        var firstPosition: Int64
        var bytes: Int64
        var idWidth: TokenIDWidth
    }

    let directory: URL
    let manifest: ShardManifest
    let shards: [Shard]
    /// Ids must lie in `0..<vocabularySize` (nil: only negative ids are refused).
    let vocabularySize: Int?
    var totalBytes: Int64 { shards.reduce(0) { $0 + $1.bytes } }

    /// Reads the manifest and checks every shard's files against it (headers and end offsets;
    /// each offset is checked as it is read). `vocabularySize` bounds the ids (default: the
    /// manifest's vocabulary size, when it records one).
    init(directory: URL, vocabularySize: Int? = nil) throws(BatchingError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingShardDirectory(path: directory.path)
        }
        let manifestURL = directory.appendingPathComponent(ShardManifest.fileName)
        guard manager.fileExists(atPath: manifestURL.path) else {
            throw .incompleteShardDirectory(path: directory.path)
        }
        do {
            manifest = try Self.readManifest(from: directory)
        } catch let error as BatchingError {
            throw error
        } catch {
            throw .unreadableManifest(path: manifestURL.path, reason: Self.describe(error))
        }
        self.directory = directory
        if let vocabularySize, vocabularySize < 1 {
            throw .invalidOptions(
                "The vocabulary size for the shards in '\(directory.path)' is \(vocabularySize); it must be at least 1."
            )
        }
        self.vocabularySize = vocabularySize ?? (manifest.vocabulary.size > 0 ? manifest.vocabulary.size : nil)
        var shards: [Shard] = []
        var position: Int64 = 0
        for entry in manifest.shards {
            let idsURL = directory.appendingPathComponent(entry.ids)
            let offsetsURL = directory.appendingPathComponent(entry.offsets)
            for url in [idsURL, offsetsURL] where !manager.fileExists(atPath: url.path) {
                throw .missingShardFile(path: url.path)
            }
            let (ids, offsets) = try Self.open(idsURL, offsetsURL)
            if let width = manifest.idWidth, ids.width != width {
                throw .inconsistentShard(
                    path: idsURL.path,
                    reason: "it stores its ids as \(ids.width.npyDescriptor), but the manifest says \(width.npyDescriptor).")
            }
            guard ids.count == entry.tokens else {
                throw .inconsistentShard(
                    path: idsURL.path, reason: "it holds \(ids.count) ids, but the manifest says \(entry.tokens).")
            }
            // Compared without `+ 1` on the manifest's number, which may be anything (Int.max, −1).
            guard entry.sequences >= 0, offsets.count - 1 == entry.sequences else {
                throw .inconsistentShard(
                    path: offsetsURL.path,
                    reason:
                        "it holds \(offsets.count) offsets, but the manifest says \(entry.sequences) sequences, which "
                            + "need one offset more."
                )
            }
            guard offsets[0] == 0, offsets[entry.sequences] == Int64(ids.count) else {
                throw .inconsistentShard(
                    path: offsetsURL.path,
                    reason:
                        "its offsets run from \(offsets[0]) to \(offsets[entry.sequences]), but they must run from 0 "
                            + "to \(ids.count), the ids in '\(entry.ids)'."
                )
            }
            let bytes = Int64(entry.tokens * ids.width.bytes + (entry.sequences + 1) * 8)
            shards.append(
                Shard(
                    ids: idsURL, offsets: offsetsURL, sequences: entry.sequences, tokens: entry.tokens,
                    firstPosition: position, bytes: bytes, idWidth: ids.width))
            position += Int64(entry.sequences)
        }
        self.shards = shards
    }

    /// Maps one shard's two files.
    static func open(_ ids: URL, _ offsets: URL) throws(BatchingError) -> (ShardIDArray, NpyArray<Int64>) {
        let idsArray: ShardIDArray
        let offsetsArray: NpyArray<Int64>
        do { idsArray = try ShardIDArray(path: ids.path) } catch {
            throw .unreadableShardFile(path: ids.path, reason: describe(error))
        }
        do { offsetsArray = try NpyArray<Int64>(path: offsets.path) } catch {
            throw .unreadableShardFile(path: offsets.path, reason: describe(error))
        }
        return (idsArray, offsetsArray)
    }

    private static func describe(_ error: any Error) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        return text.hasSuffix(".") ? text : text + "."
    }
}
