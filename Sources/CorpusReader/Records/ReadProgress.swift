/// How much input has been read.
public struct ReadProgress: Sendable, Hashable {
    /// Decompressed bytes delivered so far.
    public var uncompressedBytes: Int64 = 0
    /// Bytes of the input files consumed so far (what is on disk).
    public var compressedBytes: Int64 = 0
    /// The sum of the input files' sizes, when all are regular files (for an ETA).
    public var totalInputBytes: Int64? = nil

    public init() {}

    /// The fraction of the input consumed, when the total is known.
    public var fraction: Double? {
        guard let total = totalInputBytes, total > 0 else { return nil }
        return min(1, Double(compressedBytes) / Double(total))
    }
}
