import CorpusReader
import Support
import Tokenization

/// The id sequences made from one ``RecordChunk``, in order, stored flat: sequence `i` is
/// `ids[ends[i-1]..<ends[i]]`. Carries the record chunk it came from, for reports.
public struct SequenceChunk: Sendable {
    public internal(set) var ids: [Int32] = []
    public internal(set) var ends: [Int] = []
    /// The record chunk these sequences were made from (its issues, members and progress).
    public let records: RecordChunk
    public internal(set) var statistics = EncodingStatistics()

    init(records: RecordChunk) { self.records = records }

    public var count: Int { ends.count }

    /// The range of sequence `index` in ``ids``.
    public func range(of index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }
}

extension LocallyNumberedChunk {
    /// The chunk's sequences as ids of a known vocabulary: each of the chunk's distinct tokens is
    /// looked up once, then every position maps through that small table; each sequence gets the
    /// markers of the tokenizer's length policy (``EncodingOptions/addBeginAndEnd``).
    public func encoded(with vocabulary: Vocabulary) -> SequenceChunk {
        var output = SequenceChunk(records: records)
        output.statistics = statistics
        let idOfLocal = (0..<tokens.count).map { local in tokens.withUnits(at: local) { vocabulary.id(for: $0) } }
        // Tokens numbered against a snapshot (only when a numbering absorbs this tokenizer's chunks).
        var idOfSnapshotEntry: [Int32: Int32] = [:]
        for id in firstOccurrences where id < 0 { idOfSnapshotEntry[id] = withUnits(of: id) { vocabulary.id(for: $0) } }
        output.ids.reserveCapacity(ids.count + markers.count * ends.count)
        output.ends.reserveCapacity(ends.count)
        var start = 0
        var unknown = 0
        for end in ends {
            markers.appendOpening(to: &output.ids)
            for position in start..<end {
                let local = ids[position]
                let id = local >= 0 ? idOfLocal[Int(local)] : idOfSnapshotEntry[local]!
                if id == SpecialToken.unknown.id { unknown += 1 }
                output.ids.append(id)
            }
            markers.appendClosing(to: &output.ids)
            output.ends.append(output.ids.count)
            start = end
        }
        output.statistics.tokens = output.ids.count
        output.statistics.unknownTokens = unknown
        return output
    }
}
