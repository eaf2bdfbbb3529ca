import TokenShards

/// What one epoch's pass has met so far; readable at any time from the iterator, final once it
/// has returned nil. Counts after the split refer to this epoch's split only.
public struct BatchingReport: Sendable, Codable, Hashable {
    /// Records read: live, as the reader goes; shards, the manifest's count once the pass ends.
    public var records = 0
    /// Sequences the source delivered (both splits).
    public var sequences = 0
    /// Of those, the sequences in this epoch's split.
    public var sequencesInSplit = 0
    /// Sequences left after the length policy (what batches or windows are made of).
    public var sequencesKept = 0
    /// Character windows cut (windows mode).
    public var windows = 0
    /// Batches delivered (skipped ones not included).
    public var batches = 0
    /// Batches replayed and discarded to resume (`skippingBatches`).
    public var skippedBatches = 0
    /// Real ids in the delivered batches.
    public var tokens = 0
    /// `batchSize × time` summed over the delivered batches.
    public var paddedPositions = 0
    /// Split sequences without any id, left out.
    public var droppedEmpty = 0
    /// Split sequences over the maximum length, left out (policy `drop`).
    public var droppedTooLong = 0
    /// Split sequences cut to the maximum length (policy `truncate`).
    public var truncated = 0
    /// Sequences (or windows) left out because their bucket's last batch was short (`dropRemainder`).
    public var droppedRemainder = 0
    /// `<unk>` ids in the kept split sequences.
    public var unknownTokens = 0
    /// Records the reader skipped, by reason (live: this pass's reader; shards: the manifest's).
    public var skippedRecords: [String: Int] = [:]
    /// Records kept after repairing invalid UTF-8.
    public var repairedRecords = 0
    /// What the tokenizer did upstream (live: this pass; shards: the manifest's counts).
    public var sourceStatistics = EncodingStatistics()
    /// Bytes consumed: live, of the input files; shards, of the shard files.
    public var bytesRead: Int64 = 0
    /// The total of those bytes, when known (for progress and an ETA).
    public var totalBytes: Int64? = nil

    public init() {}

    /// Real ids over padded positions, 1 when nothing was padded.
    public var paddingEfficiency: Double {
        paddedPositions == 0 ? 1 : Double(tokens) / Double(paddedPositions)
    }

    /// The fraction of the source consumed, when the total is known.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesRead) / Double(totalBytes))
    }
}
