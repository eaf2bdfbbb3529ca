/// The word VAE's records: the distinct words of the inputs, each spelt as a sequence of letters.
public struct WordsSection: Codable, Sendable, Equatable {
    public var from: WordsSource?
    /// Words seen fewer times are left out.
    public var minCount: Int?
    /// At most this many words, the most frequent first (ties by the words' order).
    public var maxWords: Int?
    /// Lowercase the words (ICU root locale).
    public var lowercase: Bool?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case from, lowercase
        case minCount = "min_count"
        case maxWords = "max_words"
    }
}
