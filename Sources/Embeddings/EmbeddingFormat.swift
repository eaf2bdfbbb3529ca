/// The layout of a word-vectors file.
public enum EmbeddingFormat: String, Sendable, CaseIterable, Codable {
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
