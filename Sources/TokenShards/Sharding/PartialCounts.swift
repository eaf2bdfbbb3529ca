import CorpusReader
import Foundation
import Support
import Tokenization

/// Token counts of some shards of a corpus (`vocab --shard I/N --counts-out part-I.counts`),
/// which ``merging(_:)`` adds up, in any order and grouping, into the counts of more shards and
/// finally of the whole corpus — from which ``Vocabulary/init(counter:configuration:maxSize:minCount:)``
/// builds, byte for byte, the vocabulary a single `vocab` run builds. Sums do not depend on
/// order, and the vocabulary's order (count descending, then code point order) does not depend
/// on insertion order.
///
/// Exact only while nothing was pruned: a worker whose distinct tokens exceeded
/// `--max-distinct-tokens` forgot its rarest ones, as a single run would have forgotten others.
/// What was pruned is recorded (per file, summed by merges) and reported, never hidden.
///
/// File format (`.counts`, UTF-8): one line of JSON (the ``Header``), then one line per token,
/// most frequent first: the token with `\` `\t` `\n` `\r` escaped as `\\` `\t` `\n` `\r`, a
/// tab, and its count in decimal. The header's `checksum` is the CRC-32 of everything after the
/// header line, so a truncated or edited file is refused. Written atomically.
public struct PartialCounts: Sendable {
    public static let formatName = "vae-pipeline-token-counts"
    public static let formatVersion = 1

    public struct Header: Codable, Sendable, Hashable {
        public var format = PartialCounts.formatName
        public var version = PartialCounts.formatVersion
        public var configuration: TokenizerConfiguration
        /// How the corpus was split (nil: counted whole, not sharded); every merged file must agree.
        public var partition: Partition?
        /// The shards these counts cover, as shard indices.
        public var shards: [Int]
        public var records: Int
        public var distinctTokens: Int
        public var occurrences: Int
        public var pruning: Pruning
        public var checksum: String
    }

    /// A ``ShardPlan`` without the worker's index.
    public struct Partition: Codable, Sendable, Hashable {
        public var count: Int
        public var unit: ShardPlan.Unit
        public var blockRecords: Int?
        public var inputs: [String]

        public init(_ plan: ShardPlan) {
            count = plan.shard.count
            unit = plan.unit
            blockRecords = plan.blockRecords
            inputs = plan.inputs
        }
    }

    /// What a memory bound forgot while counting.
    public struct Pruning: Codable, Sendable, Hashable {
        /// The bound in force (`--max-distinct-tokens`) in the counting runs (nil: none).
        public var maxDistinctTokens: Int?
        public var distinctTokens: Int
        public var occurrences: Int
    }

    public var header: Header
    public var counter: TokenCounter

    /// Counts of one worker (or, with `plan` nil, of a whole corpus).
    public init(
        configuration: TokenizerConfiguration, plan: ShardPlan?, records: Int, counter: TokenCounter,
        maxDistinctTokens: Int?, prunedDistinctTokens: Int, prunedOccurrences: Int
    ) {
        header = Header(
            configuration: configuration, partition: plan.map(Partition.init), shards: [plan?.shard.index ?? 0],
            records: records, distinctTokens: counter.distinctTokens, occurrences: counter.totalOccurrences,
            pruning: Pruning(
                maxDistinctTokens: maxDistinctTokens, distinctTokens: prunedDistinctTokens,
                occurrences: prunedOccurrences),
            checksum: "")
        self.counter = counter
    }

    /// Whether the counts cover every shard of their partition (or a whole corpus).
    public var isComplete: Bool { header.shards.count == (header.partition?.count ?? 1) }

    /// The shard indices of the partition these counts lack.
    public var missingShards: [Int] {
        let have = Set(header.shards)
        return (0..<(header.partition?.count ?? 1)).filter { !have.contains($0) }
    }

    /// The sum of `parts`, refusing files that count with other tokenizer settings, follow
    /// another partition, or cover a shard twice; `paths` name them in errors.
    public static func merging(_ parts: [PartialCounts], paths: [String]) throws(TokenShardsError) -> PartialCounts {
        guard var total = parts.first else {
            throw .invalidOptions("Name at least one .counts file to merge.")
        }
        var covered = Dictionary(uniqueKeysWithValues: total.header.shards.map { ($0, paths[0]) })
        for (part, path) in zip(parts.dropFirst(), paths.dropFirst()) {
            if part.header.configuration != total.header.configuration {
                throw .unmergeableShards(
                    path: path,
                    reason:
                        "it was counted with other tokenizer settings than '\(paths[0])' "
                            + "(\(describe(part.header.configuration)) against "
                                + "\(describe(total.header.configuration))); count every shard with the same options."
                )
            }
            if part.header.partition != total.header.partition {
                throw .unmergeableShards(
                    path: path,
                    reason:
                        "it follows another partition of the corpus than '\(paths[0])' "
                            + "(\(describe(part.header.partition)) against \(describe(total.header.partition))); "
                                + "every worker must be given the same inputs in the same order and the same shard "
                                    + "count."
                )
            }
            for shard in part.header.shards {
                if let other = covered[shard] {
                    throw .unmergeableShards(
                        path: path,
                        reason: "shard \(shard) is counted both here and in '\(other)'; each shard must be merged once."
                    )
                }
                covered[shard] = path
            }
            total.counter.merge(part.counter)
            total.header.records += part.header.records
            total.header.pruning.distinctTokens += part.header.pruning.distinctTokens
            total.header.pruning.occurrences += part.header.pruning.occurrences
            if total.header.pruning.maxDistinctTokens != part.header.pruning.maxDistinctTokens {
                total.header.pruning.maxDistinctTokens = [
                    total.header.pruning.maxDistinctTokens, part.header.pruning.maxDistinctTokens
                ].compactMap { $0 }.min()
            }
        }
        total.header.shards = covered.keys.sorted()
        total.header.distinctTokens = total.counter.distinctTokens
        total.header.occurrences = total.counter.totalOccurrences
        return total
    }

    private static func describe(_ configuration: TokenizerConfiguration) -> String {
        "level \(configuration.level.rawValue), normalization \(configuration.normalization.rawValue), lowercase "
            + "\(configuration.lowercaseLocale.map { $0.isEmpty ? "yes" : $0 } ?? "no"), punctuation "
                + "\(configuration.keepsPunctuation ? "kept" : "dropped")"
    }

    private static func describe(_ partition: Partition?) -> String {
        guard let partition else { return "the whole corpus, not sharded" }
        let unit = partition.unit == .records ? "records in blocks of \(partition.blockRecords ?? 0)" : "files"
        return
            "\(partition.count) shards by \(unit) over \(partition.inputs.count) "
                + "input\(partition.inputs.count == 1 ? "" : "s")"
    }

    // MARK: The file

    /// Writes the counts to `url` atomically.
    public func write(to url: URL) throws {
        var body = ""
        for (token, count) in counter.sortedEntries {
            body += Self.escape(token)
            body += "\t\(count)\n"
        }
        let bodyData = Data(body.utf8)
        var crc = CRC32()
        bodyData.withUnsafeBytes { crc.update($0.bindMemory(to: UInt8.self)) }
        var header = self.header
        header.checksum = RecordsChecksum.text(crc.value)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(header)
        data.append(UInt8(ascii: "\n"))
        data.append(bodyData)
        try AtomicFile.write(data, to: url)
    }

    /// Reads and checks a file written by ``write(to:)``.
    public static func read(from url: URL) throws(TokenShardsError) -> PartialCounts {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else {
            throw .unreadableCounts(path: path, reason: "it has no header line.")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data[data.startIndex..<newline])
        } catch {
            throw .unreadableCounts(
                path: path,
                reason: "its first line is not a \(formatName) header (written by 'vae-pipeline vocab --counts-out').")
        }
        guard header.format == formatName else {
            throw .unreadableCounts(path: path, reason: "its format is '\(header.format)', not '\(formatName)'.")
        }
        guard header.version == formatVersion else {
            throw .unreadableCounts(
                path: path,
                reason:
                    "it is version \(header.version) of the format; this vae-pipeline reads version \(formatVersion).")
        }
        let body = data[(newline + 1)...]
        var crc = CRC32()
        body.withUnsafeBytes { crc.update($0.bindMemory(to: UInt8.self)) }
        guard RecordsChecksum.text(crc.value) == header.checksum else {
            throw .unreadableCounts(
                path: path,
                reason:
                    "its checksum is \(RecordsChecksum.text(crc.value)), not the \(header.checksum) its header "
                        + "records: it is truncated or was changed."
            )
        }
        var counter = TokenCounter()
        var line = 1
        for row in String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast()
        {
            line += 1
            guard let tab = row.lastIndex(of: "\t"), let count = Int(row[row.index(after: tab)...]), count > 0,
                let token = unescape(row[..<tab])
            else {
                throw .unreadableCounts(path: path, reason: "line \(line) is not a token, a tab and a positive count.")
            }
            counter.add(token, count: count)
        }
        guard counter.distinctTokens == header.distinctTokens, counter.totalOccurrences == header.occurrences else {
            throw .unreadableCounts(
                path: path,
                reason:
                    "it holds \(counter.distinctTokens) tokens and \(counter.totalOccurrences) occurrences, but its "
                        + "header says \(header.distinctTokens) and \(header.occurrences)."
            )
        }
        return PartialCounts(header: header, counter: counter)
    }

    private init(header: Header, counter: TokenCounter) {
        self.header = header
        self.counter = counter
    }

    static func escape(_ token: String) -> String {
        guard token.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return token
        }
        var escaped = ""
        for scalar in token.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    static func unescape(_ text: Substring) -> String? {
        guard text.contains("\\") else { return String(text) }
        var result = ""
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                switch scalar {
                case "\\": result += "\\"
                case "t": result += "\t"
                case "n": result += "\n"
                case "r": result += "\r"
                default: return nil
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return escaping ? nil : result
    }
}
