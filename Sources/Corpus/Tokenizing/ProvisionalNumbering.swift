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
    private var index = TokenIndex(minimumCapacity: 1 << 16)
    /// Per live entry of `index`: its count and its provisional number.
    private var counts: [Int] = []
    private var numbers: [Int32] = []
    /// Numbers issued so far (live and pruned).
    public private(set) var issued = 0
    public private(set) var totalOccurrences = 0
    public private(set) var prunedDistinctTokens = 0
    public private(set) var prunedOccurrences = 0

    public init(maxDistinctTokens: Int?) {
        self.maxDistinctTokens = maxDistinctTokens
    }

    /// Distinct tokens currently counted.
    public var distinctTokens: Int { index.count }

    /// Adds a chunk's counts and rewrites its local indices as provisional numbers.
    public mutating func absorb(_ chunk: inout LocallyNumberedChunk) {
        var numberOfLocal = [Int32](repeating: 0, count: chunk.tokens.count)
        for local in 0..<chunk.tokens.count {
            let (entry, inserted) = chunk.tokens.withUnits(at: local) { index.insert($0) }
            let count = chunk.counts[local]
            if inserted {
                counts.append(count)
                numbers.append(Int32(truncatingIfNeeded: issued))
                issued += 1
            } else {
                counts[entry] += count
            }
            totalOccurrences += count
            numberOfLocal[local] = numbers[entry]
        }
        numberOfLocal.withUnsafeBufferPointer { map in
            chunk.ids.withUnsafeMutableBufferPointer { ids in
                for position in ids.indices { ids[position] = map[Int(ids[position])] }
            }
        }
        if let cap = maxDistinctTokens, index.count > cap { prune(keeping: max(1, cap * 3 / 4)) }
    }

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
        var map = [Int32](repeating: Vocabulary.unknownID, count: issued)
        for entry in 0..<index.count {
            map[Int(numbers[entry])] = index.withUnits(at: entry) { vocabulary.id(for: $0) }
        }
        return map
    }

    /// Keeps the `target` most frequent tokens (ties: earlier first, so it is deterministic).
    private mutating func prune(keeping target: Int) {
        let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : numbers[$0] < numbers[$1] }
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
    }
}
