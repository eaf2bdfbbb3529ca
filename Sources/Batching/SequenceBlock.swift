/// Sequences stored back to back — `ids[ends[i-1]..<ends[i]]` is sequence `i`, at source
/// position `positions[i]` — the unit every stage passes on. A block of thousands of sequences
/// is three arrays, and stages reuse their output blocks, so the steady state allocates little.
struct SequenceBlock: Sendable {
    var ids: [Int32] = []
    var ends: [Int] = []
    var positions: [Int64] = []

    init() {}

    init(ids: [Int32], ends: [Int], positions: [Int64]) {
        self.ids = ids
        self.ends = ends
        self.positions = positions
    }

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    @inline(__always)
    func range(of index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    @inline(__always)
    mutating func append<ID: ShardID>(_ sequence: UnsafeBufferPointer<ID>, position: Int64) {
        ID.append(sequence, to: &ids)
        ends.append(ids.count)
        positions.append(position)
    }

    /// Empties the block, keeping its storage for the next use.
    mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }
}
