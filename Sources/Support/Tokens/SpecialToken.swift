/// The four tokens every vocabulary starts with, in id order. Their ids are fixed, so shards,
/// batches and models agree on them without reading a vocabulary.
public enum SpecialToken: Int32, CaseIterable, Sendable {
    /// `<pad>`: fills batch rows after (or before) a shorter sequence.
    case padding = 0
    /// `<unk>`: every token outside the vocabulary.
    case unknown = 1
    /// `<bos>`: the beginning of a sequence.
    case begin = 2
    /// `<eos>`: the end of a sequence.
    case end = 3

    /// The id as stored in shards and batches.
    @inlinable public var id: Int32 { rawValue }

    /// The id as an index into embedding rows and logits.
    @inlinable public var index: Int { Int(rawValue) }

    /// The token's text in vocabulary files: `<pad>`, `<unk>`, `<bos>`, `<eos>`.
    public var text: String {
        switch self {
        case .padding: "<pad>"
        case .unknown: "<unk>"
        case .begin: "<bos>"
        case .end: "<eos>"
        }
    }

    /// The texts in id order.
    public static let texts: [String] = allCases.map(\.text)
}
