import Foundation
import TokenShards

extension ShardLayout {
    /// Reads `manifest.json` of `directory`, as `tokenize` wrote it.
    static func readManifest(from directory: URL) throws -> ShardManifest {
        do {
            return try ShardManifest.read(from: directory)
        } catch let error as TokenShardsError {
            throw BatchingError.unreadableManifest(
                path: directory.appendingPathComponent(ShardManifest.fileName).path, reason: error.localizedDescription)
        }
    }
}
