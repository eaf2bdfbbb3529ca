import Tokenization

public struct TokenizerSection: Codable, Sendable, Equatable {
    /// Word (default; character for the character models), character, whitespace or keras.
    public var level: TokenizationLevel?
    public var normalization: Normalization?
    public var lowercase: Bool?
    public var lowercaseLocale: String?
    public var dropPunctuation: Bool?
    public var sentences: Bool?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case level, normalization, lowercase, sentences
        case lowercaseLocale = "lowercase_locale"
        case dropPunctuation = "drop_punctuation"
    }
}
