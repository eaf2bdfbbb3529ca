import Embeddings

public struct EmbeddingsSection: Codable, Sendable, Equatable {
    /// GloVe / word2vec / fastText vectors (plain, compressed or in an archive).
    public var vectors: String
    public var member: String?
    public var format: EmbeddingFormat?
    /// Vectors for vocabulary words the file lacks.
    public var oov: OOVPolicy?
    public var caseInsensitive: Bool?
    /// Keep the loaded vectors fixed during training.
    public var freeze: Bool?
    /// The vector size to read (as `embeddings --dimension`); default: the header's or the most
    /// common among the first lines.
    public var dimension: Int?
    /// The largest vector size accepted (as `--max-dimension`; default 10,000).
    public var maxDimension: Int?
    /// Values above this magnitude are skipped as implausible (as `--max-value`; default 1e6).
    public var maxValue: Float?

    public init(vectors: String) { self.vectors = vectors }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vectors, member, format, oov, freeze, dimension
        case caseInsensitive = "case_insensitive"
        case maxDimension = "max_dimension"
        case maxValue = "max_value"
    }
}
