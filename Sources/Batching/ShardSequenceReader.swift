import CorpusReader
import Foundation
import Support
import TokenShards
import Tokenization

/// Source stage: walks a ``ShardLayout``'s shards — in order, or in a given order — and delivers
/// blocks of sequences copied out of the mapped files as they are stored (with the markers of
/// `tokenize --bos-eos`, which the length stage takes off). Pages behind the read position are
/// released as it goes, so resident memory stays about one block whatever the shard size.
struct ShardSequenceReader {
    /// Sequences and ids per block: large enough to amortise the stages, small enough to stay in cache.
    static let blockSequences = 4096
    static let blockTokens = 65_536

    let layout: ShardLayout
    let order: [Int]
    private var orderIndex = 0
    private var ids: ShardIDArray?
    private var offsets: NpyArray<Int64>?
    private var nextSequence = 0
    private var completedBytes: Int64 = 0

    init(layout: ShardLayout, order: [Int]) {
        self.layout = layout
        self.order = order
    }

    /// Fills `block` with the next sequences; false once every shard has been read.
    mutating func next(into block: inout SequenceBlock, report: inout BatchingReport) throws(BatchingError) -> Bool {
        block.removeAll()
        while orderIndex < order.count {
            let shard = layout.shards[order[orderIndex]]
            if ids == nil { (ids, offsets) = try ShardLayout.open(shard.ids, shard.offsets) }
            guard let ids, let offsets else { break }
            if nextSequence < shard.sequences {
                switch ids {
                case .uint16(let ids): try read(shard, ids, offsets, into: &block)
                case .int32(let ids): try read(shard, ids, offsets, into: &block)
                }
                report.bytesRead =
                    completedBytes + Int64(offsets[nextSequence]) * Int64(shard.idWidth.bytes) + Int64(nextSequence) * 8
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

    private mutating func read<ID: ShardID>(
        _ shard: ShardLayout.Shard, _ ids: NpyArray<ID>, _ offsets: NpyArray<Int64>, into block: inout SequenceBlock
    ) throws(BatchingError) {
        let layout = self.layout
        let nextSequence = self.nextSequence
        var sequence = nextSequence
        let failure: BatchingError? = ids.withUnsafeBufferPointer { ids in
            offsets.withUnsafeBufferPointer { offsets in
                var start = Int(offsets[sequence])
                while sequence < shard.sequences && block.count < Self.blockSequences
                    && block.ids.count < Self.blockTokens
                {
                    let end = Int(offsets[sequence + 1])
                    guard end >= start && end <= ids.count else {
                        return .inconsistentShard(
                            path: shard.offsets.path,
                            reason:
                                "offset \(sequence + 1) is \(end), outside \(start)...\(ids.count) (offsets must not "
                                    + "decrease nor pass the \(ids.count) ids)."
                        )
                    }
                    block.append(
                        UnsafeBufferPointer(rebasing: ids[start..<end]), position: shard.firstPosition + Int64(sequence)
                    )
                    start = end
                    sequence += 1
                }
                // Ids index the embedding table: one out of range would stop the process far
                // from its cause, so each block's span is checked here (a min/max pass).
                let first = Int(offsets[nextSequence])
                return Self.checkRange(
                    UnsafeBufferPointer(rebasing: ids[first..<start]), first: first, offsets: offsets,
                    vocabularySize: layout.vocabularySize, path: shard.ids.path)
            }
        }
        if let failure { throw failure }
        self.nextSequence = sequence
        ids.releasePages(before: Int(offsets[sequence]))
        offsets.releasePages(before: sequence)
    }

    /// The error for the first id of `span` (elements `first…` of the shard) outside
    /// `0..<vocabularySize`, or nil when every id is in range.
    static func checkRange<ID: ShardID>(
        _ span: UnsafeBufferPointer<ID>, first: Int, offsets: UnsafeBufferPointer<Int64>,
        vocabularySize: Int?, path: String
    ) -> BatchingError? {
        guard !span.isEmpty else { return nil }
        var low = ID.max, high = ID.min
        for id in span {
            low = min(low, id)
            high = max(high, id)
        }
        let limit = vocabularySize.map { Int64($0) } ?? Int64(Int32.max) + 1
        guard low < 0 || Int64(high) >= limit else { return nil }
        let index = span.firstIndex { $0 < 0 || Int64($0) >= limit }!
        let element = first + index
        // The sequence holding the element: the last offset at or before it.
        var lower = 0, upper = offsets.count - 1
        while upper - lower > 1 {
            let middle = (lower + upper) / 2
            if offsets[middle] <= Int64(element) { lower = middle } else { upper = middle }
        }
        return .idOutOfVocabulary(
            path: path, element: element, sequence: lower, value: Int32(truncatingIfNeeded: span[index]),
            vocabularySize: vocabularySize)
    }
}

/// An id type a shard stores (see ``TokenIDWidth``), and how a block takes it in.
protocol ShardID: NpyElement, FixedWidthInteger {
    /// Appends `span` to `ids` as 32-bit ids.
    static func append(_ span: UnsafeBufferPointer<Self>, to ids: inout [Int32])
}

extension Int32: ShardID {
    @inline(__always)
    static func append(_ span: UnsafeBufferPointer<Int32>, to ids: inout [Int32]) {
        ids.append(contentsOf: span)
    }
}

extension UInt16: ShardID {
    @inline(__always)
    static func append(_ span: UnsafeBufferPointer<UInt16>, to ids: inout [Int32]) {
        let start = ids.count
        ids.append(contentsOf: repeatElement(0, count: span.count))
        ids.withUnsafeMutableBufferPointer { ids in
            for index in span.indices { ids[start + index] = Int32(span[index]) }
        }
    }
}
