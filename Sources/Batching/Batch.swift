/// One padded batch: row-major `[batchSize, time]` Int32 ids.
///
/// Row `r` holds `lengths[r]` real ids and `time - lengths[r]` copies of
/// `SpecialToken.padding.id` (0), after them (`.post`) or before them (`.pre`). For character
/// windows, ``targets`` has the same shape and holds each input id's successor.
public struct Batch: Sendable, Hashable {
    /// `batchSize × time` ids, row-major.
    public var ids: [Int32]
    public var batchSize: Int
    public var time: Int
    /// The true length of each row (`≤ time`), `batchSize` values.
    public var lengths: [Int]
    /// Each row's position in the source stream: the sequence's 0-based index among the
    /// source's sequences (for character windows, the window's index in the split's stream).
    /// The same for every run and epoch, so a row can be traced back to its record.
    public var positions: [Int64]
    public var padding: PaddingSide
    /// Character windows only: `batchSize × time` ids, the inputs shifted left by one.
    public var targets: [Int32]?

    public init(
        ids: [Int32], batchSize: Int, time: Int, lengths: [Int], positions: [Int64], padding: PaddingSide,
        targets: [Int32]? = nil
    ) {
        self.ids = ids
        self.batchSize = batchSize
        self.time = time
        self.lengths = lengths
        self.positions = positions
        self.padding = padding
        self.targets = targets
    }

    /// Real (unpadded) ids in the batch: the sum of ``lengths``.
    public var tokenCount: Int { lengths.reduce(0, +) }

    /// True where `(row, t)` holds a real id, false on padding.
    @inline(__always)
    public func mask(at row: Int, _ t: Int) -> Bool {
        switch padding {
        case .post: t < lengths[row]
        case .pre: t >= time - lengths[row]
        }
    }

    /// Row `row` with its padding, `time` ids.
    public func row(_ row: Int) -> ArraySlice<Int32> {
        ids[row * time..<(row + 1) * time]
    }

    /// The real ids of row `row`, without padding.
    public func sequence(_ row: Int) -> ArraySlice<Int32> {
        let start = row * time + (padding == .pre ? time - lengths[row] : 0)
        return ids[start..<start + lengths[row]]
    }
}
