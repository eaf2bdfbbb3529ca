import Models

public struct ModelSection: Codable, Sendable, Equatable {
    /// The model family (default: the sentence VAE).
    public var type: ModelKind?
    /// The one recurrent width of the VRNN and the LSTM language model.
    public var hidden: Int?
    /// Character VAE: the probability of feeding the true previous character to the decoder
    /// in training (else the model's own greedy choice); 1 (default) is full teacher forcing.
    public var teacherForcing: Float?
    /// Character VAE: probability of replacing a decoder input character by the start symbol.
    public var characterDropout: Float?
    /// Word-embedding size (must match the vectors when `embeddings` is given).
    public var embedding: Int?
    public var embeddingDropout: Float?
    public var encoder: EncoderSection?
    public var latent: Int?
    public var decoder: DecoderSection?
    public var wordDropout: Float?
    /// Dropout on the decoder's hidden states before the output projection.
    public var outputDropout: Float?
    /// The output layer scores tokens with the embedding table (needs model.embedding equal to
    /// model.decoder.hidden).
    public var tieEmbeddings: Bool?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, embedding, encoder, latent, decoder, hidden
        case teacherForcing = "teacher_forcing"
        case characterDropout = "character_dropout"
        case embeddingDropout = "embedding_dropout"
        case wordDropout = "word_dropout"
        case outputDropout = "output_dropout"
        case tieEmbeddings = "tie_embeddings"
    }

    public struct EncoderSection: Codable, Sendable, Equatable {
        public var cell: RecurrentCellKind?
        public var hidden: Int?
        public var layers: Int?
        public var bidirectional: Bool?
        /// A dense layer with ELU between the encoder and μ / log σ² (the Keras model).
        public var dense: Int?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case cell, hidden, layers, bidirectional, dense }
    }

    public struct DecoderSection: Codable, Sendable, Equatable {
        public var cell: RecurrentCellKind?
        public var hidden: Int?
        public var layers: Int?
        public var zToInitialState: Bool?
        public var zAtEveryStep: Bool?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case cell, hidden, layers
            case zToInitialState = "z_to_initial_state"
            case zAtEveryStep = "z_at_every_step"
        }
    }
}
