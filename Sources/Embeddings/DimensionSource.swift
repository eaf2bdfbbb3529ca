/// What decided the dimension of the matrix.
public enum DimensionSource: Sendable, Equatable {
    /// ``EmbeddingOptions/dimension`` (`--dimension`).
    case option
    /// The word2vec `count dimension` header.
    case header
    /// The most common number of values among the first vector lines.
    case commonest(agreeing: Int, sampled: Int)

    /// How the report says it.
    public var description: String {
        switch self {
        case .option: "set by --dimension"
        case .header: "from the header"
        case let .commonest(agreeing, sampled):
            sampled == 1
                ? "from the first vector line"
                : "the most common in the first \(sampled) vector lines (\(agreeing) of them)"
        }
    }
}
