import CorpusReader
import Tokenization

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
        let scratch = RecordScratch()
        // Held apart from `output`: reaching it through `output` inside the closure copies `output`.
        let snapshotIndex = output.snapshot?.index
        // Taken out of `output` while the chunk is numbered, which updates `output` too.
        var snapshotCounts = output.snapshotCounts
        output.snapshotCounts = []
        try snapshotCounts.withUnsafeMutableBufferPointer { snapshotCounts in
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
                                ids.append(output.number(token, snapshotCounts: snapshotCounts))
                            }
                            if current >= 0 {
                                Self.endSequence(from: &sequenceStart, ids: &ids, policy: policy, in: &output)
                            } else {
                                output.statistics.droppedEmpty += 1
                            }
                        } else {
                            // A record's tokens are looked up in the snapshot together (their cache
                            // misses overlap), then numbered into scratch and appended at once.
                            try tokenizer.withTokenSpans(utf8: bytes) { tokens in
                                scratch.reserve(tokens.count)
                                if let snapshotIndex {
                                    snapshotIndex.lookUp(tokens, into: scratch.entries)
                                } else {
                                    scratch.entries.update(repeating: -1, count: tokens.count)
                                }
                                for index in 0..<tokens.count {
                                    scratch.ids[index] = output.number(
                                        tokens[index], snapshotEntry: scratch.entries[index],
                                        snapshotCounts: snapshotCounts)
                                }
                                ids.append(contentsOf: UnsafeBufferPointer(start: scratch.ids, count: tokens.count))
                            }
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
        }
        output.snapshotCounts = snapshotCounts
        output.ids = ids
        return output
    }

    /// Per-record buffers: snapshot entries and ids of a record's tokens.
    private final class RecordScratch {
        private(set) var entries = UnsafeMutablePointer<Int>.allocate(capacity: 256)
        private(set) var ids = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
        private var capacity = 256

        /// Room for `count` tokens (contents are not kept when it grows).
        @inline(__always)
        func reserve(_ count: Int) {
            guard count > capacity else { return }
            capacity = max(count, capacity * 2)
            entries.deallocate()
            ids.deallocate()
            entries = .allocate(capacity: capacity)
            ids = .allocate(capacity: capacity)
        }

        deinit {
            entries.deallocate()
            ids.deallocate()
        }
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
