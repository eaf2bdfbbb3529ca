public struct VocabularySection: Codable, Sendable, Equatable {
    /// A finished vocabulary (vocab.json) to use instead of building one.
    public var file: String?
    /// Size including the four special tokens.
    public var maxSize: Int?
    public var minCount: Int?
    public var maxDistinctTokens: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case file
        case maxSize = "max_size"
        case minCount = "min_count"
        case maxDistinctTokens = "max_distinct_tokens"
    }
}
