/// Everything that decides how a vectors file becomes an embedding matrix.
public struct EmbeddingOptions: Sendable {
    public var format: EmbeddingFormat = .auto
    /// Archive members to consider (shell globs on the member path); exactly one may match.
    /// Empty: the archive must hold one regular member (a plain or compressed file always does).
    public var memberPatterns: [String] = []
    public var oovPolicy: OOVPolicy = .random
    /// Seed of the `random` OOV policy; the same seed gives the same matrix.
    public var seed: UInt64 = 0
    /// When a token has no exact match, a vector token whose lowercase form is a vocabulary
    /// token fills that entry (exact matches always win, wherever they appear in the file).
    public var caseInsensitive = false
    /// Turn the first malformed line into an error naming the file and line.
    public var strict = false
    /// Lines longer than this are skipped and counted (a binary token longer than this stops the
    /// load: the record cannot be found); bounds memory.
    public var maxLineBytes = 16 << 20
    /// The vector size to read. `nil`: the word2vec header's, or for GloVe text the most common
    /// among the first ``dimensionSampleLines`` vector lines (a tie is an error asking for this).
    /// Lines of other sizes are skipped and counted.
    public var dimension: Int?
    /// The largest vector size accepted from the file or ``dimension``, so that a corrupt header
    /// cannot make the loader allocate gigabytes; at most ``dimensionHardCap``.
    public var maxDimension = 10_000
    /// Values whose magnitude is above this are skipped and counted as implausible: no trained
    /// embedding has them, and they are what misread binary bytes look like.
    public var maxAbsoluteValue: Float = 1e6
    /// Upper bound of the matrix (vocabulary × dimension × 4 bytes). `nil`: the memory this
    /// process can still use (MemAvailable, and the cgroup's limit when there is one).
    public var maxMatrixBytes: Int?
    /// How many vector lines decide the dimension of a GloVe text file.
    public static let dimensionSampleLines = 100
    /// The largest `maxDimension` accepted.
    public static let dimensionHardCap = 1_000_000
    /// Size of the decompressed byte chunks moved from the decompressing thread to the scanner.
    public var chunkBytes = 512 << 10

    public init() {}
}
