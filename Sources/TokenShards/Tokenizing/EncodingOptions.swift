/// What happens to sequences longer than ``EncodingOptions/maxLength``.
public enum OverLengthPolicy: String, Sendable, CaseIterable, Codable {
    /// Keep the first `maxLength` ids (the `<eos>` id, when added, is kept as the last one).
    case truncate
    /// Leave the sequence out (counted).
    case drop
}

/// How records become id sequences.
public struct EncodingOptions: Sendable, Hashable, Codable {
    /// The longest sequence kept, in ids (including `<bos>`/`<eos>` when they are added); nil: no limit.
    public var maxLength: Int?
    public var overLength: OverLengthPolicy = .truncate
    /// Wrap each sequence in `<bos>` … `<eos>`.
    public var addBeginAndEnd = false
    /// Split each record into sentences (ICU sentence break) and make each a sequence.
    public var splitSentences = false

    public init(maxLength: Int? = nil, overLength: OverLengthPolicy = .truncate, addBeginAndEnd: Bool = false, splitSentences: Bool = false) {
        self.maxLength = maxLength
        self.overLength = overLength
        self.addBeginAndEnd = addBeginAndEnd
        self.splitSentences = splitSentences
    }
}
