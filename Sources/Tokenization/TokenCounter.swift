/// Counts token occurrences over a stream of records, with memory bounded by a cap on distinct
/// tokens rather than by corpus size.
///
/// Each worker counts into its own counter (a `Sendable` value), then the counters are merged.
/// Tokens are keyed by their UTF-16 units in an arena-backed hash table, so counting from
/// `Tokenizer.forEachToken` makes no `String` per token:
///
/// ```swift
/// var counter = TokenCounter(maxDistinctTokens: 2_000_000)
/// for record in records {                      // each record: UnsafeBufferPointer<UInt8>
///     try counter.addTokens(utf8: record, using: tokenizer)
/// }
/// total.merge(counter)                          // e.g. after each worker finishes
/// let vocabulary = try Vocabulary(counter: total, configuration: tokenizer.configuration, maxSize: 30_000)
/// ```
///
/// Pruning: when an insertion makes the number of distinct tokens exceed `maxDistinctTokens`,
/// the counter keeps only the `pruneTarget` (3/4 of the cap) most frequent ones — ordered like the
/// vocabulary: count descending, then token in code point order — and forgets the rest.
/// `prunedDistinctTokens` and `prunedOccurrences` report how much was forgotten. As with any
/// bounded counter, a forgotten token that returns later restarts from zero, so counts near the
/// cut-off are underestimates; frequent tokens are unaffected.
public struct TokenCounter: Sendable {
    /// The cap on distinct tokens, or nil for none.
    public let maxDistinctTokens: Int?
    /// Number of distinct tokens kept after a prune (3/4 of the cap, at least 1).
    public var pruneTarget: Int? { maxDistinctTokens.map { max(1, $0 * 3 / 4) } }

    private var table: TokenTable
    private var counts: [Int] = []

    /// Occurrences added so far, including ones later pruned.
    public private(set) var totalOccurrences = 0
    /// Records added through `addTokens`.
    public private(set) var recordCount = 0
    /// How many times the cap forced a prune.
    public private(set) var pruneCount = 0
    /// Distinct tokens removed by pruning (a token pruned twice counts twice).
    public private(set) var prunedDistinctTokens = 0
    /// Occurrences those removed tokens had.
    public private(set) var prunedOccurrences = 0

    /// Creates an empty counter. `maxDistinctTokens` (≥ 1) bounds memory; nil counts everything.
    public init(maxDistinctTokens: Int? = nil) {
        precondition(maxDistinctTokens.map { $0 >= 1 } ?? true, "maxDistinctTokens must be at least 1")
        self.maxDistinctTokens = maxDistinctTokens
        table = TokenTable(minimumCapacity: min(maxDistinctTokens ?? 1024, 1 << 16))
    }

    /// Number of distinct tokens currently counted.
    public var distinctTokens: Int { table.count }

    // MARK: Counting

    /// Adds `count` occurrences of a token given as UTF-16 (e.g. a `forEachToken` slice).
    @inline(__always)
    public mutating func add(_ token: UnsafeBufferPointer<UInt16>, count: Int = 1) {
        let (index, inserted) = table.insert(token)
        totalOccurrences += count
        if inserted {
            counts.append(count)
            if let cap = maxDistinctTokens, table.count > cap { prune(to: max(1, cap * 3 / 4)) }
        } else {
            counts[index] += count
        }
    }

    /// Adds `count` occurrences of `token`.
    public mutating func add(_ token: String, count: Int = 1) {
        let units = Array(token.utf16)
        units.withUnsafeBufferPointer { add($0, count: count) }
    }

    /// Tokenizes one UTF-8 record with `tokenizer` and counts its tokens.
    public mutating func addTokens(utf8: UnsafeBufferPointer<UInt8>, using tokenizer: Tokenizer)
        throws(TokenizationError)
    {
        recordCount += 1
        try tokenizer.forEachToken(utf8: utf8) { add($0) }
    }

    /// Tokenizes `text` with `tokenizer` and counts its tokens.
    public mutating func addTokens(of text: String, using tokenizer: Tokenizer) throws(TokenizationError) {
        try Tokenizer.withUTF8(text) { (utf8) throws(TokenizationError) in try addTokens(utf8: utf8, using: tokenizer) }
    }

    /// Adds all of `other`'s counts and statistics. Without pruning the result does not depend on
    /// how records were split among counters or in which order counters are merged.
    public mutating func merge(_ other: TokenCounter) {
        for index in 0..<other.table.count {
            let count = other.counts[index]
            other.table.withUnits(at: index) { units in
                let (entry, inserted) = table.insert(units)
                if inserted { counts.append(count) } else { counts[entry] += count }
            }
        }
        totalOccurrences += other.totalOccurrences
        recordCount += other.recordCount
        pruneCount += other.pruneCount
        prunedDistinctTokens += other.prunedDistinctTokens
        prunedOccurrences += other.prunedOccurrences
        if let cap = maxDistinctTokens, table.count > cap { prune(to: max(1, cap * 3 / 4)) }
    }

    // MARK: Reading

    /// The count of `token` (0 when absent or pruned).
    public func count(of token: String) -> Int {
        table.index(of: token).map { counts[$0] } ?? 0
    }

    /// The count of a UTF-16 token (0 when absent or pruned).
    public func count(of token: UnsafeBufferPointer<UInt16>) -> Int {
        table.index(of: token).map { counts[$0] } ?? 0
    }

    /// All tokens with their counts, ordered by count descending, then token in code point order.
    public var sortedEntries: [(token: String, count: Int)] {
        rankedIndices().map { (table.string(at: $0), counts[$0]) }
    }

    /// Entry indices in vocabulary order (count descending, then code point order): deterministic
    /// whatever the insertion order.
    func rankedIndices() -> [Int] {
        var order = Array(0..<table.count)
        table.arena.withUnsafeBufferPointer { arena in
            table.starts.withUnsafeBufferPointer { starts in
                counts.withUnsafeBufferPointer { counts in
                    order.sort { a, b in
                        if counts[a] != counts[b] { return counts[a] > counts[b] }
                        let unitsA = UnsafeBufferPointer(rebasing: arena[starts[a]..<starts[a + 1]])
                        let unitsB = UnsafeBufferPointer(rebasing: arena[starts[b]..<starts[b + 1]])
                        return CodePointOrder.isLess(unitsA, unitsB)
                    }
                }
            }
        }
        return order
    }

    /// Calls `body` for each entry (unordered) with its UTF-16 units and count.
    func forEachEntry(_ body: (_ index: Int, _ token: UnsafeBufferPointer<UInt16>, _ count: Int) -> Void) {
        for index in 0..<table.count {
            table.withUnits(at: index) { body(index, $0, counts[index]) }
        }
    }

    func tokenString(at index: Int) -> String { table.string(at: index) }
    func countValue(at index: Int) -> Int { counts[index] }

    // MARK: Pruning

    /// Keeps the `target` highest-ranked tokens; rebuilds the table so the arena shrinks too.
    private mutating func prune(to target: Int) {
        let ranked = rankedIndices()
        guard ranked.count > target else { return }
        var keptTable = TokenTable(minimumCapacity: maxDistinctTokens ?? target)
        var keptCounts: [Int] = []
        keptCounts.reserveCapacity(target)
        // Re-insert survivors in their old order so the table layout stays reproducible.
        var keep = [Bool](repeating: false, count: ranked.count)
        for index in ranked.prefix(target) { keep[index] = true }
        for index in 0..<table.count {
            if keep[index] {
                table.withUnits(at: index) { _ = keptTable.insert($0) }
                keptCounts.append(counts[index])
            } else {
                prunedDistinctTokens += 1
                prunedOccurrences += counts[index]
            }
        }
        pruneCount += 1
        table = keptTable
        counts = keptCounts
    }
}
