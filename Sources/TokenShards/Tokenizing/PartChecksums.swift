import CorpusReader

/// Each part's records checksum in a sharded run, for ``ShardManifest/parts``.
struct PartChecksums {
    let plan: ShardPlan?
    private var current: Int?
    private var checksum = RecordsChecksum()
    private var done: [ShardManifest.Part] = []

    init(plan: ShardPlan?) { self.plan = plan }

    /// The part `chunk` belongs to (nil: not sharded, or a chunk without records, which stays
    /// in the current part); closes the previous part when it changes.
    mutating func enter(_ chunk: RecordChunk) -> Int? {
        guard let plan else { return nil }
        let part: Int
        switch plan.unit {
        case .files: part = plan.shard.index
        case .records:
            guard !chunk.isEmpty else { return current }
            part = plan.block(ofRecord: chunk.firstRecordIndex)
        }
        if part != current {
            close()
            current = part
        }
        return part
    }

    mutating func add(_ chunk: RecordChunk) {
        if plan != nil { checksum.add(chunk) }
    }

    private mutating func close() {
        guard let current else { return }
        done.append(.init(number: current, recordsChecksum: checksum.text, recordsBytes: checksum.bytes))
        checksum = RecordsChecksum()
    }

    /// Every part, the last one closed; nil when not sharded.
    mutating func finished() -> [ShardManifest.Part]? {
        guard let plan else { return nil }
        if current == nil, plan.unit == .files { current = plan.shard.index }
        close()
        current = nil
        return done
    }
}
