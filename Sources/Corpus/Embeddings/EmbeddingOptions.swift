/// The layout of a word-vectors file.
public enum EmbeddingFormat: String, Sendable, CaseIterable {
    /// Decide from the bytes: a first line of two integers (`count dim`) is a word2vec header,
    /// followed by binary rows when the bytes after the first token are not text; otherwise GloVe.
    case auto
    /// GloVe text: `token v1 … vD` per line, no header.
    case glove
    /// word2vec / fastText `.vec` text: a `count dim` header line, then GloVe-like lines.
    case word2vecText = "word2vec-text"
    /// word2vec binary: a `count dim` header line, then per row the token, a space and `dim`
    /// little-endian float32 values, optionally followed by a newline.
    case word2vecBinary = "word2vec-binary"
}

/// What a vocabulary entry without a vector in the file gets.
public enum OOVPolicy: String, Sendable, CaseIterable {
    /// Normal random values with the mean and standard deviation of all matched values, from `seed`.
    case random
    /// Zeros.
    case zero
    /// A copy of the `<unk>` row (the file's `<unk>` vector, else the mean of the matched vectors).
    case unk
}

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
    /// Lines (or binary tokens) longer than this are skipped and counted; bounds memory.
    public var maxLineBytes = 16 << 20
    /// Size of the decompressed byte chunks moved from the decompressing thread to the scanner.
    public var chunkBytes = 512 << 10

    public init() {}
}
