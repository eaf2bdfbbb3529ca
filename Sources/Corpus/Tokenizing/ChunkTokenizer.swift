import Tokenization

/// One chunk's tokens, numbered locally: the chunk's distinct tokens with their counts, and its
/// sequences as local indices (length policy already applied). Workers make these in parallel;
/// the consumer turns local indices into corpus-wide ones with ``ProvisionalNumbering``.
public struct LocallyNumberedChunk: Sendable {
    public let records: RecordChunk
    var tokens = TokenIndex(minimumCapacity: 4096)
    /// Occurrences of each local token in the chunk's records (all of them, truncated ones too,
    /// so the vocabulary is the same as one counted before any cut).
    var counts: [Int] = []
    /// Local indices (provisional numbers after ``ProvisionalNumbering/absorb(_:)``),
    /// sequences back to back; `<bos>`/`<eos>` are not in them.
    public internal(set) var ids: [Int32] = []
    public internal(set) var ends: [Int] = []
    /// Records, sequences and length-policy counts (ids and unknowns are counted at remapping).
    public internal(set) var statistics = EncodingStatistics()

    init(records: RecordChunk) { self.records = records }

    /// The chunk-local number of `token`, counting this occurrence.
    @inline(__always)
    mutating func number(_ token: UnsafeBufferPointer<UInt16>) -> Int32 {
        let (index, inserted) = tokens.insert(token)
        if inserted { counts.append(1) } else { counts[index] += 1 }
        return Int32(truncatingIfNeeded: index)
    }
}

/// Tokenizes record chunks into ``LocallyNumberedChunk``s, one worker per chunk.
public struct ChunkTokenizer: Sendable {
    public let configuration: TokenizerConfiguration
    public let options: EncodingOptions
    /// False when only counts are wanted (building a vocabulary): sequences are not kept.
    public let keepsSequences: Bool
    private let pool: TokenizerPool

    public init(configuration: TokenizerConfiguration, options: EncodingOptions, keepsSequences: Bool = true, workers: Int) throws(TokenizationError) {
        self.configuration = configuration
        self.options = options
        self.keepsSequences = keepsSequences
        pool = try TokenizerPool(configuration: configuration, size: workers)
    }

    public func tokenize(_ chunk: RecordChunk) throws -> LocallyNumberedChunk {
        var output = LocallyNumberedChunk(records: chunk)
        // Kept apart from `output` so the numbering closure (which updates `output.tokens`)
        // and the id buffer (passed `inout`) never overlap.
        var ids: [Int32] = []
        ids.reserveCapacity(chunk.utf8.count / 4)
        output.ends.reserveCapacity(chunk.count)
        let options = self.options
        let keepsSequences = self.keepsSequences
        try pool.withTokenizer { tokenizer in
            var sequenceStart = 0
            try chunk.utf8.withUnsafeBufferPointer { all in
                for index in 0..<chunk.count {
                    let bytes = UnsafeBufferPointer(rebasing: all[chunk.range(of: index)])
                    output.statistics.records += 1
                    if options.splitSentences {
                        var current = -1
                        _ = try tokenizer.forEachTokenBySentence(utf8: bytes) { token, sentence in
                            if sentence != current {
                                if current >= 0 { Self.endSequence(from: &sequenceStart, ids: &ids, options: options, in: &output) }
                                current = sentence
                            }
                            ids.append(output.number(token))
                        }
                        if current >= 0 {
                            Self.endSequence(from: &sequenceStart, ids: &ids, options: options, in: &output)
                        } else {
                            output.statistics.droppedEmpty += 1
                        }
                    } else {
                        // The tokenizer's id path fills its scratch buffer and appends once per record.
                        try tokenizer.appendTokenIDs(utf8: bytes, to: &ids) { output.number($0) }
                        Self.endSequence(from: &sequenceStart, ids: &ids, options: options, in: &output)
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

    /// Closes the sequence that began at `start`: drops or truncates it by the length policy.
    private static func endSequence(from start: inout Int, ids: inout [Int32], options: EncodingOptions, in output: inout LocallyNumberedChunk) {
        defer { start = ids.count }
        let length = ids.count - start
        guard length > 0 else {
            output.statistics.droppedEmpty += 1
            return
        }
        let extra = options.addBeginAndEnd ? 2 : 0
        if let maxLength = options.maxLength, length + extra > maxLength {
            if options.overLength == .drop {
                ids.removeSubrange(start...)
                output.statistics.droppedTooLong += 1
                return
            }
            ids.removeSubrange((start + max(0, maxLength - extra))...)
            output.statistics.truncated += 1
        }
        output.ends.append(ids.count)
        output.statistics.sequences += 1
    }
}
