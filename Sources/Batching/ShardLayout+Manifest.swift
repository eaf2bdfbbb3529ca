import Corpus
import Foundation

extension ShardLayout {
    /// Reads `manifest.json` of `directory`.
    ///
    /// `ShardManifest.write` encodes keys in snake case, which turns `invalidUTF8` into
    /// `invalid_utf8`; Foundation's `convertFromSnakeCase` turns that back into `invalidUtf8`,
    /// so `ShardManifest.read` cannot decode what `write` wrote. Until that is fixed in Corpus,
    /// this decoder converts keys itself and restores the acronym.
    static func readManifest(from directory: URL) throws -> ShardManifest {
        let url = directory.appendingPathComponent(ShardManifest.fileName)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last!
            guard key.intValue == nil else { return key }
            let parts = key.stringValue.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count > 1 else { return key }
            var name = String(parts[0])
            for part in parts.dropFirst() {
                name += part == "utf8" ? "UTF8" : part.prefix(1).uppercased() + part.dropFirst()
            }
            return ManifestKey(name)
        }
        let manifest = try decoder.decode(ShardManifest.self, from: Data(contentsOf: url))
        guard manifest.format == ShardManifest.formatName else {
            throw BatchingError.unreadableManifest(path: url.path, reason: "it is not a token-shard manifest (format '\(manifest.format)').")
        }
        return manifest
    }

    private struct ManifestKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
