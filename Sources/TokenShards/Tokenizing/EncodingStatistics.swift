/// Counts of one encoding run (or chunk), added up as chunks arrive.
public struct EncodingStatistics: Sendable, Hashable, Codable {
    public var records = 0
    public var sequences = 0
    /// Ids written, `<bos>`/`<eos>` included.
    public var tokens = 0
    /// Tokens not in the vocabulary (written as `<unk>`).
    public var unknownTokens = 0
    /// Sequences cut to the maximum length.
    public var truncated = 0
    /// Sequences left out for being longer than the maximum length (policy `drop`).
    public var droppedTooLong = 0
    /// Records (or sentences) that had no token at all.
    public var droppedEmpty = 0

    public init() {}

    public mutating func add(_ other: EncodingStatistics) {
        records += other.records
        sequences += other.sequences
        tokens += other.tokens
        unknownTokens += other.unknownTokens
        truncated += other.truncated
        droppedTooLong += other.droppedTooLong
        droppedEmpty += other.droppedEmpty
    }
}
