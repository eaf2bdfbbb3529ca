/// A batch of sentences as token ids.
///
/// - `ids`: `[batchSize, time]` row-major, post-padded with 0 (`<pad>`); sentence tokens only,
///   no `<bos>` / `<eos>` (the model adds them).
/// - `lengths`: `[batchSize]`, each in 1…time.
public struct TokenBatch: Sendable {
    public var ids: [Int32]
    public var batchSize: Int
    public var time: Int
    public var lengths: [Int]

    public init(ids: [Int32], batchSize: Int, time: Int, lengths: [Int]) {
        precondition(ids.count == batchSize * time, "TokenBatch: \(ids.count) ids for [\(batchSize), \(time)].")
        precondition(lengths.count == batchSize, "TokenBatch: \(lengths.count) lengths for a batch of \(batchSize).")
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= time }, "TokenBatch: lengths must lie in 1…\(time).")
        self.ids = ids
        self.batchSize = batchSize
        self.time = time
        self.lengths = lengths
    }

    /// Builds a post-padded batch from sentences (each non-empty); `time` defaults to the longest.
    public init(sentences: [[Int32]], time: Int? = nil) {
        let T = time ?? (sentences.map(\.count).max() ?? 1)
        var ids = [Int32](repeating: 0, count: sentences.count * T)
        for (b, s) in sentences.enumerated() {
            precondition(s.count <= T, "TokenBatch: a sentence of \(s.count) tokens exceeds time \(T).")
            for (t, id) in s.enumerated() { ids[b * T + t] = id }
        }
        self.init(ids: ids, batchSize: sentences.count, time: T, lengths: sentences.map(\.count))
    }

    /// The tokens of sentence `b` (without padding).
    public func sentence(_ b: Int) -> [Int32] { Array(ids[(b * time)..<(b * time + lengths[b])]) }

    /// Sentences `range` of the batch (same `time`), e.g. one shard in data-parallel training.
    public func rows(_ range: Range<Int>) -> TokenBatch {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= batchSize && !range.isEmpty,
            "TokenBatch.rows: \(range) outside 0..<\(batchSize).")
        return TokenBatch(
            ids: Array(ids[(range.lowerBound * time)..<(range.upperBound * time)]),
            batchSize: range.count, time: time, lengths: Array(lengths[range]))
    }

    /// The number of reconstruction targets: every token plus one `<eos>` per sentence.
    public var targetCount: Int { lengths.reduce(0, +) + batchSize }

    /// The batch with every sentence repeated `count` times in a row (sentence b → rows b·count…).
    func repeated(_ count: Int) -> TokenBatch {
        var ids: [Int32] = []
        ids.reserveCapacity(self.ids.count * count)
        var lens: [Int] = []
        for b in 0..<batchSize {
            for _ in 0..<count { ids += self.ids[(b * time)..<((b + 1) * time)]; lens.append(lengths[b]) }
        }
        return TokenBatch(ids: ids, batchSize: batchSize * count, time: time, lengths: lens)
    }
}
