import CorpusReader
import Foundation
import Support
import Tokenization

extension ShardManifest {
    /// One dataset manifest over the directories the workers of a sharded `tokenize` wrote,
    /// for `output` (which gets `vocab.json`, `tokenizer.json` and then `manifest.json`).
    ///
    /// Its shards are every worker's, ordered by part (see ``ShardPlan``) and named by paths
    /// relative to `output`, so their sequences, in order, are those of a single `tokenize` of
    /// the corpus; its records checksum is computed from the parts' checksums and equals a single
    /// run's. Workers that disagree — another partition, tokenizer, vocabulary, encoding or
    /// reader settings — or a shard missing or given twice are refused, naming the directory.
    public static func merging(_ directories: [URL], into output: URL) throws -> ShardManifest {
        guard !directories.isEmpty else {
            throw TokenShardsError.invalidOptions("Name the directories the workers of a sharded tokenize wrote.")
        }
        var workers: [(directory: URL, manifest: ShardManifest, plan: ShardPlan)] = []
        for directory in directories {
            let manifest: ShardManifest
            do { manifest = try ShardManifest.read(from: directory) } catch {
                throw TokenShardsError.unmergeableShards(
                    path: directory.path,
                    reason:
                        "its manifest.json cannot be read (\(error.localizedDescription)); a worker that has not "
                            + "finished leaves none."
                )
            }
            guard let plan = manifest.partition, manifest.parts != nil else {
                throw TokenShardsError.unmergeableShards(
                    path: directory.path,
                    reason: "it is not one worker's output of a sharded tokenize (its manifest records no partition).")
            }
            workers.append((directory, manifest, plan))
        }
        let first = workers[0]
        var byIndex: [Int: URL] = [:]
        for worker in workers {
            let path = worker.directory.path
            let plan = worker.plan, reference = first.plan
            if plan.shard.count != reference.shard.count || plan.unit != reference.unit
                || plan.blockRecords != reference.blockRecords || plan.inputs != reference.inputs
            {
                throw TokenShardsError.unmergeableShards(
                    path: path,
                    reason:
                        "its worker followed another partition than '\(first.directory.path)' (\(plan.shard.count) "
                            + "shards by \(plan.unit.rawValue) over \(plan.inputs.count) inputs, against "
                                + "\(reference.shard.count) by \(reference.unit.rawValue) over "
                                    + "\(reference.inputs.count)); every worker must be given the same inputs in the "
                                        + "same order and the same number of shards."
                )
            }
            if worker.manifest.vocabulary.hash != first.manifest.vocabulary.hash {
                throw TokenShardsError.unmergeableShards(
                    path: path,
                    reason:
                        "it was tokenized with another vocabulary than '\(first.directory.path)' (hash "
                            + "\(worker.manifest.vocabulary.hash.prefix(23))… against "
                                + "\(first.manifest.vocabulary.hash.prefix(23))…); every worker must be given the "
                                    + "same --vocab file."
                )
            }
            if worker.manifest.tokenizer != first.manifest.tokenizer {
                throw TokenShardsError.unmergeableShards(
                    path: path, reason: "its tokenizer settings differ from those of '\(first.directory.path)'.")
            }
            if worker.manifest.encoding != first.manifest.encoding {
                throw TokenShardsError.unmergeableShards(
                    path: path,
                    reason:
                        "its sequence settings (--max-length, --over-length, --bos-eos, --sentences) differ from "
                            + "those of '\(first.directory.path)'."
                )
            }
            if worker.manifest.reader != first.manifest.reader {
                throw TokenShardsError.unmergeableShards(
                    path: path,
                    reason:
                        "its reading options (--format, --column, --field, --member, …) differ from those of "
                            + "'\(first.directory.path)'."
                )
            }
            if let other = byIndex[plan.shard.index] {
                throw TokenShardsError.unmergeableShards(
                    path: path,
                    reason: "it holds shard \(plan.shard) like '\(other.path)'; each shard must be merged once.")
            }
            byIndex[plan.shard.index] = worker.directory
        }
        let count = first.plan.shard.count
        if let missing = (0..<count).first(where: { byIndex[$0] == nil }) {
            throw TokenShardsError.unmergeableShards(
                path: output.path,
                reason:
                    "shard \(missing)/\(count) is missing (\(byIndex.count) of \(count) given); name every worker's "
                        + "directory."
            )
        }
        workers.sort { $0.plan.shard.index < $1.plan.shard.index }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)

        // Shards by part; within a part (one worker's), in the order written.
        var entries: [(part: Int, order: Int, shard: TokenShardWriter.Shard)] = []
        var parts: [Part] = []
        for worker in workers {
            let prefix = relativePath(from: output, to: worker.directory)
            for (order, var shard) in worker.manifest.shards.enumerated() {
                shard.ids = prefix + shard.ids
                shard.offsets = prefix + shard.offsets
                entries.append((shard.part ?? worker.plan.shard.index, order, shard))
            }
            parts += worker.manifest.parts ?? []
        }
        entries.sort { ($0.part, $0.order) < ($1.part, $1.order) }
        parts.sort { $0.number < $1.number }
        for (position, part) in parts.enumerated() where part.number != position {
            throw TokenShardsError.unmergeableShards(
                path: output.path,
                reason:
                    "part \(position) of the corpus is in no worker's manifest (the workers' parts are "
                        + "\(parts.prefix(8).map(\.number))…); were the workers given the same corpus?"
            )
        }
        guard let checksum = RecordsChecksum.concatenated(parts.map { ($0.recordsChecksum, $0.recordsBytes) }) else {
            throw TokenShardsError.unmergeableShards(
                path: output.path,
                reason: "a worker's manifest holds a records checksum this vae-pipeline did not write.")
        }

        var counts = EncodingStatistics()
        var skipped: [String: Int] = [:]
        var repaired = 0
        for worker in workers {
            counts.add(worker.manifest.counts)
            skipped.merge(worker.manifest.skippedRecords, uniquingKeysWith: +)
            repaired += worker.manifest.repairedRecords
        }
        let inputs = first.plan.unit == .files ? workers.flatMap(\.manifest.inputs) : first.manifest.inputs

        // The vocabulary (and tokenizer.json) beside the merged manifest, for readers that load it from there.
        let vocabulary = try Vocabulary.load(
            from: first.directory.appendingPathComponent(first.manifest.vocabulary.file))
        guard vocabulary.hash == first.manifest.vocabulary.hash else {
            throw TokenShardsError.unmergeableShards(
                path: first.directory.appendingPathComponent(first.manifest.vocabulary.file).path,
                reason: "its hash is not the one its manifest records; the directory was changed after tokenize.")
        }
        try vocabulary.save(to: output.appendingPathComponent("vocab.json"))
        var huggingFaceFile: String?
        if let name = first.manifest.vocabulary.huggingFaceFile {
            let source = first.directory.appendingPathComponent(name).standardizedFileURL
            let destination = output.appendingPathComponent("tokenizer.json").standardizedFileURL
            if source != destination { try AtomicFile.write(try Data(contentsOf: source), to: destination) }
            huggingFaceFile = "tokenizer.json"
        }
        var merged = ShardManifest(
            inputs: inputs, recordsChecksum: checksum, reader: first.manifest.reader,
            tokenizer: first.manifest.tokenizer,
            encoding: first.manifest.encoding,
            vocabulary: .init(
                file: "vocab.json", huggingFaceFile: huggingFaceFile, hash: vocabulary.hash, size: vocabulary.count),
            counts: counts, skippedRecords: skipped, repairedRecords: repaired,
            shards: entries.map { entry in
                var shard = entry.shard
                shard.part = nil
                return shard
            })
        // Workers of one vocabulary write one width; a merge with a version-1 worker's <i4 shards
        // leaves each file's header to say.
        let widths = Set(workers.map(\.manifest.idWidth))
        merged.idWidth = widths.count == 1 ? widths.first! : nil
        try merged.write(into: output)
        return merged
    }

    /// `to` relative to `from` (both directories), ending in "/" unless empty.
    static func relativePath(from: URL, to: URL) -> String {
        let base = from.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let target = to.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        var common = 0
        while common < base.count, common < target.count, base[common] == target[common] { common += 1 }
        let components = Array(repeating: "..", count: base.count - common) + target[common...]
        return components.isEmpty ? "" : components.joined(separator: "/") + "/"
    }
}
