import CorpusReader
import Tokenization

/// One chunk's tokens, numbered locally: the chunk's distinct tokens with their counts, and its
/// sequences as local indices (length policy already applied). Workers make these in parallel;
/// the consumer turns local indices into corpus-wide ones with ``ProvisionalNumbering``.
///
/// Tokens already in the numbering's latest ``NumberingSnapshot`` (nearly all of them once the
/// corpus's common words have been seen) are not numbered locally: their ids are `~entry` (the
/// snapshot's entry, as a negative number) and their counts are kept per snapshot entry.
public struct LocallyNumberedChunk: Sendable {
    public let records: RecordChunk
    /// Small at first: once snapshots exist, most chunks have few tokens of their own.
    var tokens = TokenIndex(minimumCapacity: 256)
    /// Occurrences of each local token in the chunk's records (all of them, truncated ones too,
    /// so the vocabulary is the same as one counted before any cut).
    var counts: [Int] = []
    /// The snapshot tokens were looked up in first, with the occurrences of each of its entries.
    let snapshot: NumberingSnapshot?
    /// `snapshot.index`, held here so that a lookup borrows it instead of retaining it.
    private let snapshotIndex: TokenIndex?
    var snapshotCounts: [Int32] = []
    /// The chunk's distinct tokens in order of first occurrence: local index `i` as `i`,
    /// snapshot entry `e` as `~e` — the order in which new tokens get their numbers.
    var firstOccurrences: [Int32] = []
    /// Where ``ProvisionalNumbering/absorb(_:)`` publishes its next snapshot.
    let exchange: NumberingExchange?
    /// Local indices (`~entry` for snapshot tokens; provisional numbers after
    /// ``ProvisionalNumbering/absorb(_:)``), sequences back to back; `<bos>`/`<eos>` are not in them.
    public internal(set) var ids: [Int32] = []
    public internal(set) var ends: [Int] = []
    /// Records, sequences and length-policy counts (ids and unknowns are counted at remapping).
    public internal(set) var statistics = EncodingStatistics()
    /// The markers the sequences get once they are ids (see ``encoded(with:)``).
    let markers: SequenceMarkers

    init(
        records: RecordChunk, markers: SequenceMarkers = .none, snapshot: NumberingSnapshot? = nil,
        exchange: NumberingExchange? = nil
    ) {
        self.records = records
        self.markers = markers
        self.snapshot = snapshot
        self.exchange = exchange
        snapshotIndex = snapshot?.index
        if let snapshot { snapshotCounts = [Int32](repeating: 0, count: snapshot.index.count) }
    }

    /// The chunk-local number of `token`, counting this occurrence.
    @inline(__always)
    mutating func number(_ token: UnsafeBufferPointer<UInt16>) -> Int32 {
        if let entry = snapshotIndex?.index(of: token) {
            let id = ~Int32(truncatingIfNeeded: entry)
            if snapshotCounts[entry] == 0 { firstOccurrences.append(id) }
            snapshotCounts[entry] += 1
            return id
        }
        let (index, inserted) = tokens.insert(token)
        if inserted {
            counts.append(1)
            firstOccurrences.append(Int32(truncatingIfNeeded: index))
        } else {
            counts[index] += 1
        }
        return Int32(truncatingIfNeeded: index)
    }

    /// Calls `body` with the text of id `id` (local index or `~entry`) before absorption.
    func withUnits<Result>(of id: Int32, _ body: (UnsafeBufferPointer<UInt16>) -> Result) -> Result {
        id >= 0 ? tokens.withUnits(at: Int(id), body) : snapshot!.index.withUnits(at: Int(~id), body)
    }
}

/// Tokenizes record chunks into ``LocallyNumberedChunk``s, one worker per chunk.
public struct ChunkTokenizer: Sendable {
    public let configuration: TokenizerConfiguration
    public let options: EncodingOptions
    /// False when only counts are wanted (building a vocabulary): sequences are not kept.
    public let keepsSequences: Bool
    private let pool: TokenizerPool
    /// Snapshots of the numbering that absorbs this tokenizer's chunks (nil: never use them).
    private let exchange: NumberingExchange?

    public init(
        configuration: TokenizerConfiguration, options: EncodingOptions, keepsSequences: Bool = true, workers: Int
    ) throws(TokenizationError) {
        try self.init(
            configuration: configuration, options: options, keepsSequences: keepsSequences, workers: workers,
            plainTextFastPath: nil, sharesNumbering: true)
    }

    /// With the two shortcuts on or off, for tests that prove they change nothing: the
    /// tokenizer's plain-text fast path (nil: the tokenizer's default), and numbering against
    /// the numbering's snapshots.
    init(
        configuration: TokenizerConfiguration, options: EncodingOptions, keepsSequences: Bool = true, workers: Int,
        plainTextFastPath: Bool?, sharesNumbering: Bool
    ) throws(TokenizationError) {
        self.configuration = configuration
        self.options = options
        self.keepsSequences = keepsSequences
        pool = try TokenizerPool(configuration: configuration, size: workers, plainTextFastPath: plainTextFastPath)
        exchange = sharesNumbering ? NumberingExchange() : nil
    }

    public func tokenize(_ chunk: RecordChunk) throws -> LocallyNumberedChunk {
        let policy = options.lengthPolicy
        var output = LocallyNumberedChunk(
            records: chunk, markers: policy.markers, snapshot: exchange?.snapshot,
            exchange: exchange)
        // Kept apart from `output` so the numbering closure (which updates `output.tokens`)
        // and the id buffer (passed `inout`) never overlap.
        var ids: [Int32] = []
        ids.reserveCapacity(chunk.utf8.count / 4)
        output.ends.reserveCapacity(chunk.count)
        let splitSentences = options.splitSentences
        let keepsSequences = self.keepsSequences
        try pool.withTokenizer { tokenizer in
            var sequenceStart = 0
            try chunk.utf8.withUnsafeBufferPointer { all in
                for index in 0..<chunk.count {
                    let bytes = UnsafeBufferPointer(rebasing: all[chunk.range(of: index)])
                    output.statistics.records += 1
                    if splitSentences {
                        var current = -1
                        _ = try tokenizer.forEachTokenBySentence(utf8: bytes) { token, sentence in
                            if sentence != current {
                                if current >= 0 {
                                    Self.endSequence(from: &sequenceStart, ids: &ids, policy: policy, in: &output)
                                }
                                current = sentence
                            }
                            ids.append(output.number(token))
                        }
                        if current >= 0 {
                            Self.endSequence(from: &sequenceStart, ids: &ids, policy: policy, in: &output)
                        } else {
                            output.statistics.droppedEmpty += 1
                        }
                    } else {
                        // The tokenizer's id path fills its scratch buffer and appends once per record.
                        try tokenizer.appendTokenIDs(utf8: bytes, to: &ids) { output.number($0) }
                        Self.endSequence(from: &sequenceStart, ids: &ids, policy: policy, in: &output)
                    }
                    if !keepsSequences {
                        ids.removeAll(keepingCapacity: true)
                        output.ends.removeAll(keepingCapacity: true)
                        sequenceStart = 0
                    }
                }
            }
        }
        output.ids = ids
        return output
    }

    /// Closes the sequence that began at `start`: keeps, truncates or drops it by the length policy.
    private static func endSequence(
        from start: inout Int, ids: inout [Int32], policy: LengthPolicy,
        in output: inout LocallyNumberedChunk
    ) {
        defer { start = ids.count }
        switch policy.verdict(forLength: ids.count - start) {
        case .empty:
            output.statistics.droppedEmpty += 1
            return
        case .tooLong:
            ids.removeSubrange(start...)
            output.statistics.droppedTooLong += 1
            return
        case .truncated(let length):
            ids.removeSubrange((start + length)...)
            output.statistics.truncated += 1
        case .kept:
            break
        }
        output.ends.append(ids.count)
        output.statistics.sequences += 1
    }
}
