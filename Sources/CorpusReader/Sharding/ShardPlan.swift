/// How a corpus is split among the workers of an array job, and what one worker reads.
///
/// The rule, the same in every worker (it depends only on the input list, N and the block size):
///
/// - **Files**, when there are at least N inputs (F ≥ N): worker I reads inputs
///   `⌊I·F/N⌋ ..< ⌊(I+1)·F/N⌋`, a contiguous run in the order given, and opens no other. Each
///   worker's part is numbered I.
/// - **Records**, when there are fewer inputs than workers: the records (in the order a single
///   run reads them) are cut into blocks of `blockRecords` consecutive records; block b holds
///   records `b·B ..< (b+1)·B` and goes to worker `b mod N`. Every worker reads (and
///   decompresses) the whole input but tokenizes only its blocks; each block is a part,
///   numbered b. What the reader reports per chunk of input (skipped and repaired records,
///   members, warnings) is counted by the worker whose block holds the chunk's first record
///   position, so totals over the workers equal a single run's.
///
/// Either way every record belongs to exactly one part, and the parts in increasing number,
/// concatenated, are the records of a single run in its order: the merged manifest lists shards
/// by part number, so its sequences are a single `tokenize`'s, id for id.
public struct ShardPlan: Sendable, Hashable, Codable {
    public enum Unit: String, Sendable, Hashable, Codable {
        case files
        case records
    }

    public var shard: ShardSpecification
    public var unit: Unit
    /// Records per block (record partition only).
    public var blockRecords: Int?
    /// Every input of the corpus, in order (what all workers must have been given).
    public var inputs: [String]

    /// Records per block unless `--shard-block-records` says otherwise: large enough that the
    /// merged dataset has few short shards, small enough that workers finish together.
    public static let defaultBlockRecords = 100_000

    public init(shard: ShardSpecification, inputs: [String], blockRecords: Int?) throws(CorpusError) {
        if inputs.contains("-") {
            throw .invalidShard(
                source: "--shard",
                reason: "standard input ('-') cannot be sharded: each worker would read its own; name the corpus files."
            )
        }
        self.shard = shard
        self.inputs = inputs
        if inputs.count >= shard.count {
            if let blockRecords {
                throw .invalidShard(
                    source: "--shard-block-records",
                    reason:
                        "\(blockRecords) applies to the record partition, but \(inputs.count) input files for "
                            + "\(shard.count) shards are partitioned by whole files; drop --shard-block-records."
                )
            }
            unit = .files
        } else {
            let block = blockRecords ?? Self.defaultBlockRecords
            guard block >= 1 else {
                throw .invalidShard(
                    source: "--shard-block-records", reason: "a block must hold at least 1 record; \(block) was given.")
            }
            unit = .records
            self.blockRecords = block
        }
    }

    /// The inputs this worker opens.
    public var selectedInputs: Range<Int> {
        switch unit {
        case .files:
            let files = inputs.count
            return shard.index * files / shard.count..<(shard.index + 1) * files / shard.count
        case .records:
            return 0..<inputs.count
        }
    }

    /// The part (block) that record position `record` belongs to, for the record partition.
    public func block(ofRecord record: Int) -> Int { record / (blockRecords ?? Int.max) }

    /// Whether this worker keeps the block.
    public func owns(block: Int) -> Bool { block % shard.count == shard.index }
}
