import Tokenization

/// How records become id sequences. Stored in each shard manifest under these names.
public struct EncodingOptions: Sendable, Hashable, Codable {
    /// The longest sequence kept, in ids (including `<bos>`/`<eos>` when they are added); nil: no limit.
    public var maxLength: Int?
    public var overLength: OverLengthPolicy = .truncate
    /// Wrap each sequence in `<bos>` … `<eos>`.
    public var addBeginAndEnd = false
    /// Split each record into sentences (ICU sentence break) and make each a sequence.
    public var splitSentences = false

    public init(
        maxLength: Int? = nil, overLength: OverLengthPolicy = .truncate, addBeginAndEnd: Bool = false,
        splitSentences: Bool = false
    ) {
        self.maxLength = maxLength
        self.overLength = overLength
        self.addBeginAndEnd = addBeginAndEnd
        self.splitSentences = splitSentences
    }

    /// The length policy these options describe: what the tokenizing pass keeps of each
    /// sequence, and the markers the sequences it writes carry.
    public var lengthPolicy: LengthPolicy {
        LengthPolicy(maxLength: maxLength, overLength: overLength, markers: addBeginAndEnd ? .beginAndEnd : .none)
    }
}
