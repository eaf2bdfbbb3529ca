import CorpusReader
import Tokenization

/// One chunk's tokens, numbered locally: the chunk's distinct tokens with their counts, and its
/// sequences as local indices (length policy already applied). Workers make these in parallel;
/// the consumer turns local indices into corpus-wide ones with ``ProvisionalNumbering``.
///
/// Tokens already in the numbering's latest ``NumberingSnapshot`` (nearly all of them once the
/// corpus's common words have been seen) are not numbered locally: their ids are `~entry` (the
/// snapshot's entry, as a negative number) and their counts are kept per snapshot entry.
public struct LocallyNumberedChunk: Sendable {
    public let records: RecordChunk
    /// Small at first: once snapshots exist, most chunks have few tokens of their own.
    var tokens = TokenIndex(minimumCapacity: 256)
    /// Occurrences of each local token in the chunk's records (all of them, truncated ones too,
    /// so the vocabulary is the same as one counted before any cut).
    var counts: [Int] = []
    /// The snapshot tokens were looked up in first, with the occurrences of each of its entries.
    let snapshot: NumberingSnapshot?
    /// `snapshot.index`, held here so that a lookup borrows it instead of retaining it.
    private let snapshotIndex: TokenIndex?
    var snapshotCounts: [Int32] = []
    /// The chunk's distinct tokens in order of first occurrence: local index `i` as `i`,
    /// snapshot entry `e` as `~e` — the order in which new tokens get their numbers.
    var firstOccurrences: [Int32] = []
    /// Where ``ProvisionalNumbering/absorb(_:)`` publishes its next snapshot.
    let exchange: NumberingExchange?
    /// Local indices (`~entry` for snapshot tokens; provisional numbers after
    /// ``ProvisionalNumbering/absorb(_:)``), sequences back to back; `<bos>`/`<eos>` are not in them.
    public internal(set) var ids: [Int32] = []
    public internal(set) var ends: [Int] = []
    /// Records, sequences and length-policy counts (ids and unknowns are counted at remapping).
    public internal(set) var statistics = EncodingStatistics()
    /// The markers the sequences get once they are ids (see ``encoded(with:)``).
    let markers: SequenceMarkers

    init(
        records: RecordChunk, markers: SequenceMarkers = .none, snapshot: NumberingSnapshot? = nil,
        exchange: NumberingExchange? = nil
    ) {
        self.records = records
        self.markers = markers
        self.snapshot = snapshot
        self.exchange = exchange
        snapshotIndex = snapshot?.index
        if let snapshot { snapshotCounts = [Int32](repeating: 0, count: snapshot.index.count) }
    }

    /// The chunk-local number of `token`, counting this occurrence. `snapshotCounts` is
    /// ``snapshotCounts``'s storage, lent by the caller for the whole chunk so that counting a
    /// snapshot token is a plain increment (no check that the array is unshared).
    @inline(__always)
    mutating func number(
        _ token: UnsafeBufferPointer<UInt16>, snapshotCounts: UnsafeMutableBufferPointer<Int32>
    ) -> Int32 {
        number(token, snapshotEntry: snapshotIndex?.index(of: token) ?? -1, snapshotCounts: snapshotCounts)
    }

    /// ``number(_:snapshotCounts:)`` for a token already looked up in ``snapshot`` (`snapshotEntry`,
    /// -1 when it is not there; ``TokenIndex/lookUp(_:into:)`` looks up a record's tokens at once).
    @inline(__always)
    mutating func number(
        _ token: UnsafeBufferPointer<UInt16>, snapshotEntry: Int, snapshotCounts: UnsafeMutableBufferPointer<Int32>
    ) -> Int32 {
        if snapshotEntry >= 0 {
            let entry = snapshotEntry
            let id = ~Int32(truncatingIfNeeded: entry)
            if snapshotCounts[entry] == 0 { firstOccurrences.append(id) }
            snapshotCounts[entry] += 1
            return id
        }
        let (index, inserted) = tokens.insert(token)
        if inserted {
            counts.append(1)
            firstOccurrences.append(Int32(truncatingIfNeeded: index))
        } else {
            counts[index] += 1
        }
        return Int32(truncatingIfNeeded: index)
    }

    /// Calls `body` with the text of id `id` (local index or `~entry`) before absorption.
    func withUnits<Result>(of id: Int32, _ body: (UnsafeBufferPointer<UInt16>) -> Result) -> Result {
        id >= 0 ? tokens.withUnits(at: Int(id), body) : snapshot!.index.withUnits(at: Int(~id), body)
    }
}
