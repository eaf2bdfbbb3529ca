/// The hyper-parameters of an ``LSTMLanguageModel``: the character baseline without a latent
/// variable, of the same size as the models it is compared with.
public struct LanguageModelConfiguration: Codable, Sendable, Hashable {
    /// V, the number of symbols.
    public var vocabularySize: Int
    /// E, the symbol embedding width.
    public var embeddingDimension = 64
    /// The LSTM's width.
    public var hidden = 256
    /// The input before the first symbol (the sequence is shifted right with it).
    public var startSymbol = 0
    /// The symbol that ends a line (generation stops there); nil for windows of a stream.
    public var endSymbol: Int? = nil

    public init(
        vocabularySize: Int, embeddingDimension: Int = 64, hidden: Int = 256, startSymbol: Int = 0,
        endSymbol: Int? = nil
    ) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.hidden = hidden
        self.startSymbol = startSymbol
        self.endSymbol = endSymbol
    }

    /// Stops with a message naming the bad field (a programming error: pipelines validate first).
    public func validate() {
        precondition(
            vocabularySize >= 2, "LanguageModelConfiguration: vocabularySize must be at least 2, got \(vocabularySize)."
        )
        for (name, value) in [("embeddingDimension", embeddingDimension), ("hidden", hidden)] {
            precondition(value >= 1, "LanguageModelConfiguration: \(name) must be at least 1, got \(value).")
        }
        precondition(
            (0..<vocabularySize).contains(startSymbol),
            "LanguageModelConfiguration: startSymbol \(startSymbol) outside 0..<\(vocabularySize).")
        precondition(
            endSymbol.map { (0..<vocabularySize).contains($0) } ?? true,
            "LanguageModelConfiguration: endSymbol \(endSymbol ?? 0) outside 0..<\(vocabularySize).")
    }
}
