/// Which end of a row holds the padding.
public enum PaddingSide: String, Codable, Sendable, CaseIterable {
    /// Real ids first, `<pad>` after them (PyTorch's `pad_sequence`, the default).
    case post
    /// `<pad>` first, real ids at the end of the row (Keras' `pad_sequences` default).
    case pre
}
