import AsyncOperators
import CorpusReader
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
    /// This worker's part of a sharded run (the caller's reader opens only its inputs under the
    /// file partition); nil counts every record.
    public var plan: ShardPlan?

    public init(
        configuration: TokenizerConfiguration, maxSize: Int?, minCount: Int = 1, maxDistinctTokens: Int? = nil,
        workers: Int,
        plan: ShardPlan? = nil
    ) {
        self.plan = plan
        self.configuration = configuration
        self.maxSize = maxSize
        self.minCount = minCount
        self.maxDistinctTokens = maxDistinctTokens
        self.workers = workers
    }

    public struct Outcome: Sendable {
        public var vocabulary: Vocabulary
        public var counter: TokenCounter
        public var numbering: ProvisionalNumbering
        public var report: ReadReport
    }

    /// Reads `reader` once. `progress` is called after each chunk (for a progress line).
    public func run(_ reader: CorpusReader, progress: (ReadProgress, Int) -> Void = { _, _ in }) async throws -> Outcome
    {
        let tokenizer = try ChunkTokenizer(
            configuration: configuration, options: EncodingOptions(), keepsSequences: false, workers: workers)
        let tokenized = reader.sharded(by: plan).orderedConcurrentMap(maxConcurrency: workers) {
            try tokenizer.tokenize($0)
        }
        var numbering = ProvisionalNumbering(maxDistinctTokens: maxDistinctTokens)
        var report = ReadReport()
        for try await var chunk in tokenized {
            numbering.absorb(&chunk)
            report.add(chunk.records)
            progress(chunk.records.progress, report.records)
        }
        let counter = numbering.counter()
        let vocabulary = try Vocabulary(
            counter: counter, configuration: configuration, maxSize: maxSize, minCount: minCount)
        return Outcome(vocabulary: vocabulary, counter: counter, numbering: numbering, report: report)
    }
}
