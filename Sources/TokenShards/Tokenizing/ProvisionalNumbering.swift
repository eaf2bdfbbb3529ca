import Support
import Tokenization

/// Corpus-wide token numbers assigned in first-seen order while the corpus streams by, before
/// the vocabulary is known; ``finalIDs(for:)`` maps them to vocabulary ids once counting ends.
/// This is what lets `tokenize` tokenize the corpus once instead of twice.
///
/// Memory is bounded by `maxDistinctTokens`: beyond it the rarest tokens are pruned (their
/// numbers will map to `<unk>`; a pruned token seen again gets a new number and counts from
/// zero, as in any bounded counter), plus four bytes per number ever issued.
public struct ProvisionalNumbering: Sendable {
    public let maxDistinctTokens: Int?
    /// Starts small and grows: a published snapshot is copied whole at the next insertion.
    private var index = TokenIndex(minimumCapacity: 1 << 10)
    /// Per live entry of `index`: its count and its provisional number.
    private var counts: [Int] = []
    private var numbers: [Int32] = []
    /// Numbers issued so far (live and pruned).
    public private(set) var issued = 0
    public private(set) var totalOccurrences = 0
    public private(set) var prunedDistinctTokens = 0
    public private(set) var prunedOccurrences = 0
    /// Identifies the current run of `index` between prunes (see ``NumberingSnapshot``); the
    /// box is shared by copies of this value until one of them changes, which then takes a new
    /// lineage so that the copies' snapshots are never confused.
    private var lineage = Lineage()
    /// Entries in the last snapshot published for this lineage (0: none yet).
    private var publishedCount = 0

    private final class Lineage: Sendable {
        let value = NumberingSnapshot.newLineage()
    }

    public init(maxDistinctTokens: Int?) {
        self.maxDistinctTokens = maxDistinctTokens
    }

    /// Distinct tokens currently counted.
    public var distinctTokens: Int { index.count }

    /// Adds a chunk's counts and rewrites its local indices as provisional numbers.
    ///
    /// Numbers go to tokens new to the numbering in the order they first occur in the chunk, so
    /// that they follow first appearance in the corpus. Tokens the worker found in a snapshot
    /// of this lineage are entries of `index` already: only their counts are added.
    public mutating func absorb(_ chunk: inout LocallyNumberedChunk) {
        if !isKnownUniquelyReferenced(&lineage) {
            lineage = Lineage()
            publishedCount = 0
        }
        let snapshot = chunk.snapshot
        let snapshotIsCurrent = snapshot?.lineage == lineage.value
        var numberOfLocal = [Int32](repeating: 0, count: chunk.tokens.count)
        // Only for a snapshot of another lineage (after a prune): its entries by their text.
        var numberOfStaleEntry: [Int32: Int32] = [:]
        for id in chunk.firstOccurrences {
            let count: Int
            let entry: Int
            if id >= 0 {
                count = chunk.counts[Int(id)]
                entry = add(chunk.tokens, Int(id), count: count)
                numberOfLocal[Int(id)] = numbers[entry]
            } else {
                count = Int(chunk.snapshotCounts[Int(~id)])
                if snapshotIsCurrent {
                    entry = Int(~id)
                    counts[entry] += count
                } else {
                    entry = add(snapshot!.index, Int(~id), count: count)
                    numberOfStaleEntry[id] = numbers[entry]
                }
            }
            totalOccurrences += count
        }
        numberOfLocal.withUnsafeBufferPointer { local in
            numbers.withUnsafeBufferPointer { numbers in
                chunk.ids.withUnsafeMutableBufferPointer { ids in
                    for position in ids.indices {
                        let id = ids[position]
                        if id >= 0 {
                            ids[position] = local[Int(id)]
                        } else {
                            ids[position] = snapshotIsCurrent ? numbers[Int(~id)] : numberOfStaleEntry[id]!
                        }
                    }
                }
            }
        }
        if let cap = maxDistinctTokens, index.count > cap { prune(keeping: max(1, cap * 3 / 4)) }
        publish(to: chunk.exchange)
    }

    /// Counts `count` occurrences of entry `entry` of `tokens`, numbering it if it is new;
    /// returns its entry in `index`.
    private mutating func add(_ tokens: TokenIndex, _ entry: Int, count: Int) -> Int {
        let (found, inserted) = tokens.withUnits(at: entry) { index.insert($0) }
        if inserted {
            counts.append(count)
            numbers.append(Int32(truncatingIfNeeded: issued))
            issued += 1
        } else {
            counts[found] += count
        }
        return found
    }

    /// Leaves a snapshot for the workers when enough tokens were added since the last one:
    /// every snapshot costs one copy of the index at the next insertion, while a token missing
    /// from it costs a local and a corpus-wide insertion per chunk it occurs in.
    private mutating func publish(to exchange: NumberingExchange?) {
        guard let exchange, index.count > 0, index.count <= Self.maxSnapshotEntries,
            publishedCount == 0 || index.count - publishedCount >= max(1024, publishedCount / 4)
        else { return }
        exchange.publish(NumberingSnapshot(index: index, lineage: lineage.value))
        publishedCount = index.count
    }

    /// Beyond this, chunks' per-entry counts (4 bytes per snapshot entry per chunk in flight)
    /// would outweigh what snapshots save.
    static let maxSnapshotEntries = 1 << 21

    /// The counts as a ``TokenCounter``, to build the ``Vocabulary`` from.
    public func counter() -> TokenCounter {
        var counter = TokenCounter()
        for entry in 0..<index.count {
            index.withUnits(at: entry) { counter.add($0, count: counts[entry]) }
        }
        return counter
    }

    /// For every provisional number, its vocabulary id (`<unk>` for tokens outside the
    /// vocabulary and for pruned numbers).
    public func finalIDs(for vocabulary: Vocabulary) -> [Int32] {
        var map = [Int32](repeating: SpecialToken.unknown.id, count: issued)
        for entry in 0..<index.count {
            map[Int(numbers[entry])] = index.withUnits(at: entry) { vocabulary.id(for: $0) }
        }
        return map
    }

    /// Keeps the `target` most frequent tokens (ties: earlier first, so it is deterministic).
    private mutating func prune(keeping target: Int) {
        let order = counts.indices.sorted {
            counts[$0] != counts[$1] ? counts[$0] > counts[$1] : numbers[$0] < numbers[$1]
        }
        let keep = order.prefix(target).sorted { numbers[$0] < numbers[$1] }
        var newIndex = TokenIndex(minimumCapacity: Swift.max(1 << 16, target))
        var newCounts: [Int] = []
        var newNumbers: [Int32] = []
        newCounts.reserveCapacity(keep.count)
        newNumbers.reserveCapacity(keep.count)
        for entry in keep {
            _ = index.withUnits(at: entry) { newIndex.insert($0) }
            newCounts.append(counts[entry])
            newNumbers.append(numbers[entry])
        }
        prunedDistinctTokens += index.count - keep.count
        prunedOccurrences += counts.reduce(0, +) - newCounts.reduce(0, +)
        index = newIndex
        counts = newCounts
        numbers = newNumbers
        // Entries moved: snapshots taken so far describe another index.
        lineage = Lineage()
        publishedCount = 0
    }
}
