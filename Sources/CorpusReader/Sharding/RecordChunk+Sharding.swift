extension RecordChunk {
    /// Records `range` of this chunk as a chunk of their own (positions kept: its
    /// ``firstRecordIndex`` is theirs). With `withReports`, it also carries what the reader
    /// reported for the whole chunk (issues, events, blank lines, repairs), which exactly one
    /// piece of a split chunk must do so that totals stay right.
    func slice(_ range: Range<Int>, withReports: Bool) -> RecordChunk {
        var piece = RecordChunk()
        let byteStart = range.isEmpty ? 0 : self.range(of: range.lowerBound).lowerBound
        let byteEnd = range.isEmpty ? 0 : self.range(of: range.upperBound - 1).upperBound
        piece.utf8 = Array(utf8[byteStart..<byteEnd])
        piece.ends = ends[range].map { $0 - byteStart }
        piece.lines = Array(lines[range])
        piece.fields = Array(fields[range])
        piece.firstRecordIndex = firstRecordIndex + range.lowerBound
        piece.member = member
        piece.progress = progress
        if withReports {
            piece.issues = issues
            piece.events = events
            piece.blankLines = blankLines
            piece.repairedRecords = repairedRecords
        }
        return piece
    }
}

extension ShardPlan {
    /// The pieces of `chunk` this worker keeps under the record partition, each inside one
    /// block, in order; the chunk's reports ride on the first piece when the block holding the
    /// chunk's first record position is this worker's (an empty piece if no record is kept).
    func pieces(of chunk: RecordChunk) -> [RecordChunk] {
        guard unit == .records, let blockRecords else { return [chunk] }
        var carriesReports = owns(block: block(ofRecord: chunk.firstRecordIndex))
        var pieces: [RecordChunk] = []
        var start = 0
        while start < chunk.count {
            let block = block(ofRecord: chunk.firstRecordIndex + start)
            let end = min(chunk.count, (block + 1) * blockRecords - chunk.firstRecordIndex)
            if owns(block: block) {
                pieces.append(
                    start == 0 && end == chunk.count && carriesReports
                        ? chunk : chunk.slice(start..<end, withReports: carriesReports))
                carriesReports = false
            }
            start = end
        }
        if carriesReports { pieces.append(chunk.slice(0..<0, withReports: true)) }
        return pieces
    }
}

/// The record chunks of `base` that one worker keeps under a ``ShardPlan``'s record partition
/// (see ``ShardPlan/pieces(of:)``); without a plan or under the file partition, `base` unchanged.
public struct AsyncShardRecordsSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == RecordChunk {
    public typealias Element = RecordChunk
    let base: Base
    let plan: ShardPlan?

    public func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator(), plan: plan) }

    public struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let plan: ShardPlan?
        /// Pieces of the last chunk not yet delivered, last first.
        var pending: [RecordChunk] = []

        public mutating func next() async throws -> RecordChunk? {
            while true {
                if let piece = pending.popLast() { return piece }
                guard let chunk = try await base.next() else { return nil }
                guard let plan else { return chunk }
                pending = plan.pieces(of: chunk).reversed()
            }
        }
    }
}

extension AsyncSequence where Self: Sendable, Element == RecordChunk {
    /// The chunks a worker keeps under `plan` (all of them without one).
    public func sharded(by plan: ShardPlan?) -> AsyncShardRecordsSequence<Self> {
        AsyncShardRecordsSequence(base: self, plan: plan)
    }
}
