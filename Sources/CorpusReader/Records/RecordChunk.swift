/// A chunk of records: the element type of ``CorpusReader``.
///
/// Records are stored back to back as validated UTF-8 in one array with an end offset per
/// record, so a chunk of thousands of records costs a handful of allocations, and consumers
/// that only need bytes (tokenizers converting to UTF-16, counters) never build a `String`.
/// All records of a chunk come from one member of one input.
public struct RecordChunk: Sendable {
    /// The UTF-8 text of all records, concatenated.
    public internal(set) var utf8: [UInt8] = []
    /// `ends[i]` is the offset in ``utf8`` just past record `i`.
    public internal(set) var ends: [Int] = []
    /// The 1-based line where each record starts.
    public internal(set) var lines: [Int] = []
    /// For each record, which selected column (CSV) or field (JSON Lines) it came from, in the
    /// order the columns were requested; 0 for other formats.
    public internal(set) var fields: [Int] = []
    /// The position of the first record among all records the reader delivered (0-based);
    /// record `i` of this chunk is record `firstRecordIndex + i` of the stream.
    public internal(set) var firstRecordIndex: Int = 0
    /// The member the records come from (`nil` only for a chunk that carries no records).
    public internal(set) var member: MemberInfo?
    /// Records skipped in this stretch of input, with where and why.
    public internal(set) var issues: [RecordIssue] = []
    /// Members that started and CSV headers that were read in this stretch of input.
    public internal(set) var events: [ReaderEvent] = []
    /// Empty lines passed over (not records, not errors).
    public internal(set) var blankLines: Int = 0
    /// Records kept after replacing invalid UTF-8 with U+FFFD.
    public internal(set) var repairedRecords: Int = 0
    /// How far the read has come, after this chunk.
    public internal(set) var progress = ReadProgress()

    public init() {}

    /// The number of records.
    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    /// The byte range of record `index` in ``utf8``.
    @inlinable
    public func range(of index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// Calls `body` with the UTF-8 bytes of record `index`, without copying.
    @inlinable
    public func withUTF8<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result
    {
        let range = range(of: index)
        return try utf8.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[range]))
        }
    }

    /// Record `index` as a `String` (allocates; prefer ``withUTF8(_:_:)`` in hot loops).
    public func text(_ index: Int) -> String {
        withUTF8(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// All records as `String`s.
    public var texts: [String] { (0..<count).map(text) }

    /// Where record `index` starts.
    public func location(_ index: Int) -> RecordLocation {
        RecordLocation(input: member?.input ?? "?", member: member?.name, line: lines[index])
    }
}
