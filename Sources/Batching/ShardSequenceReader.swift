import Corpus
import Foundation
import Tokenization

/// Source stage: walks a ``ShardLayout``'s shards — in order, or in a given order — and delivers
/// blocks of sequences copied out of the mapped files, stripped of `<bos>`/`<eos>` when the
/// shards were written with them. Pages behind the read position are released as it goes, so
/// resident memory stays about one block whatever the shard size.
struct ShardSequenceReader {
    /// Sequences and ids per block: large enough to amortise the stages, small enough to stay in cache.
    static let blockSequences = 4096
    static let blockTokens = 65_536

    let layout: ShardLayout
    let order: [Int]
    let strip: Bool
    private var orderIndex = 0
    private var ids: NpyArray<Int32>?
    private var offsets: NpyArray<Int64>?
    private var nextSequence = 0
    private var completedBytes: Int64 = 0

    init(layout: ShardLayout, order: [Int]) {
        self.layout = layout
        self.order = order
        strip = layout.manifest.encoding.addBeginAndEnd
    }

    /// Fills `block` with the next sequences; false once every shard has been read.
    mutating func next(into block: inout SequenceBlock, report: inout BatchingReport) throws(BatchingError) -> Bool {
        block.removeAll()
        while orderIndex < order.count {
            let shard = layout.shards[order[orderIndex]]
            if ids == nil { (ids, offsets) = try ShardLayout.open(shard.ids, shard.offsets) }
            guard let ids, let offsets else { break }
            if nextSequence < shard.sequences {
                try read(shard, ids, offsets, into: &block)
                report.bytesRead = completedBytes + Int64(offsets[nextSequence]) * 4 + Int64(nextSequence) * 8
                return true
            }
            completedBytes += shard.bytes
            report.bytesRead = completedBytes
            self.ids = nil
            self.offsets = nil
            nextSequence = 0
            orderIndex += 1
        }
        return false
    }

    private mutating func read(_ shard: ShardLayout.Shard, _ ids: NpyArray<Int32>, _ offsets: NpyArray<Int64>, into block: inout SequenceBlock) throws(BatchingError) {
        let strip = self.strip
        var sequence = nextSequence
        let failure: BatchingError? = ids.withUnsafeBufferPointer { ids in
            offsets.withUnsafeBufferPointer { offsets in
                var start = Int(offsets[sequence])
                while sequence < shard.sequences && block.count < Self.blockSequences && block.ids.count < Self.blockTokens {
                    let end = Int(offsets[sequence + 1])
                    guard end >= start && end <= ids.count else {
                        return .inconsistentShard(path: shard.offsets.path, reason: "offset \(sequence + 1) is \(end), outside \(start)...\(ids.count) (offsets must not decrease nor pass the \(ids.count) ids).")
                    }
                    var body = start..<end
                    // `tokenize --bos-eos` wrote the markers; sources deliver bare sequences.
                    if strip && body.count >= 2 && ids[body.lowerBound] == Vocabulary.beginID && ids[body.upperBound - 1] == Vocabulary.endID {
                        body = body.lowerBound + 1..<body.upperBound - 1
                    }
                    block.append(UnsafeBufferPointer(rebasing: ids[body]), position: shard.firstPosition + Int64(sequence))
                    start = end
                    sequence += 1
                }
                return nil
            }
        }
        if let failure { throw failure }
        nextSequence = sequence
        ids.releasePages(before: Int(offsets[sequence]))
        offsets.releasePages(before: sequence)
    }
}
