import Tokenization

/// The counting pass over a corpus: tokenize every record on all cores, merge the per-chunk
/// counts in corpus order (so pruning, and thus the vocabulary, does not depend on the number
/// of cores), then build the ``Vocabulary``.
public struct VocabularyPass: Sendable {
    public var configuration: TokenizerConfiguration
    /// Vocabulary size, the 4 special tokens included (like Hugging Face's `vocab_size`).
    public var maxSize: Int?
    public var minCount: Int
    /// Cap on distinct tokens held while counting; the rarest are pruned beyond it.
    public var maxDistinctTokens: Int?
    public var workers: Int

    public init(configuration: TokenizerConfiguration, maxSize: Int?, minCount: Int = 1, maxDistinctTokens: Int? = nil, workers: Int) {
        self.configuration = configuration
        self.maxSize = maxSize
        self.minCount = minCount
        self.maxDistinctTokens = maxDistinctTokens
        self.workers = workers
    }

    public struct Outcome: Sendable {
        public var vocabulary: Vocabulary
        public var counter: TokenCounter
        public var report: ReadReport
    }

    /// Reads `reader` once. `progress` is called after each chunk (for a progress line).
    public func run(_ reader: CorpusReader, progress: (ReadProgress, Int) -> Void = { _, _ in }) async throws -> Outcome {
        let counter = try ChunkCounter(configuration: configuration, workers: workers)
        let counted = reader.orderedConcurrentMap(maxConcurrency: workers) { chunk in
            (chunk, try counter.count(chunk))
        }
        var total = TokenCounter(maxDistinctTokens: maxDistinctTokens)
        var report = ReadReport()
        for try await (chunk, counts) in counted {
            total.merge(counts)
            report.add(chunk)
            progress(chunk.progress, report.records)
        }
        let vocabulary = try Vocabulary(counter: total, configuration: configuration, maxSize: maxSize, minCount: minCount)
        return Outcome(vocabulary: vocabulary, counter: total, report: report)
    }
}
