import Support

/// The hyper-parameters of a ``SentenceVAE`` (Bowman et al. 2016 and its variants: the Keras
/// seed-004 model is `bidirectional`, `encoderDense`, `latentAtEveryStep`; timbmg's PyTorch model
/// is GRU + `latentToInitialState` + `wordDropout`).
public struct SentenceVAEConfiguration: Codable, Sendable, Hashable {
    /// V, including the special ids pad 0, unk 1, bos 2, eos 3.
    public var vocabularySize: Int
    /// E, the embedding width (shared by encoder and decoder inputs).
    public var embeddingDimension = 300
    /// Keep the embedding fixed (e.g. pretrained GloVe vectors); no embedding gradient is computed.
    public var freezeEmbeddings = false
    /// Inverted dropout on the embedded encoder and decoder inputs during training.
    public var embeddingDropout: Float = 0
    public var encoderCell: RecurrentCellKind = .lstm
    public var encoderHidden = 256
    public var encoderLayers = 1
    public var bidirectional = false
    /// Optional dense layer + ELU between the encoder summary and μ / log σ² (the Keras model).
    public var encoderDense: Int? = nil
    /// Z, the latent dimension.
    public var latent = 32
    public var decoderCell: RecurrentCellKind = .lstm
    public var decoderHidden = 256
    public var decoderLayers = 1
    /// z → Linear → the decoder's initial state (h0, and c0 for an LSTM, for every layer).
    public var latentToInitialState = true
    /// z concatenated to the decoder input at every step.
    public var latentAtEveryStep = false
    /// Probability of replacing a decoder input token by `<unk>` during training (never `<bos>`
    /// or padding); Bowman et al.'s word dropout, which forces the decoder to use z.
    public var wordDropout: Float = 0
    /// Inverted dropout on the decoder's hidden states before the output projection during
    /// training (texar's `dec_dropout_out`). Optional so that configurations saved before it
    /// existed still decode; nil means 0.
    public var outputDropout: Float? = nil
    /// The output layer's weight is the embedding table (Press & Wolf 2017; Inan et al. 2017):
    /// a token's input vector is also what scores it as the next token. It halves the word
    /// parameters and regularises the decoder; it needs `decoderHidden == embeddingDimension`
    /// and a trainable embedding. Optional so that configurations saved before it still decode.
    public var tieOutputToEmbedding: Bool? = nil

    /// Whether the output layer shares the embedding's weight (``tieOutputToEmbedding``).
    public var outputTied: Bool { tieOutputToEmbedding ?? false }

    public init(
        vocabularySize: Int, embeddingDimension: Int = 300, freezeEmbeddings: Bool = false,
        embeddingDropout: Float = 0, encoderCell: RecurrentCellKind = .lstm, encoderHidden: Int = 256,
        encoderLayers: Int = 1, bidirectional: Bool = false, encoderDense: Int? = nil, latent: Int = 32,
        decoderCell: RecurrentCellKind = .lstm, decoderHidden: Int = 256, decoderLayers: Int = 1,
        latentToInitialState: Bool = true, latentAtEveryStep: Bool = false, wordDropout: Float = 0
    ) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.freezeEmbeddings = freezeEmbeddings
        self.embeddingDropout = embeddingDropout
        self.encoderCell = encoderCell
        self.encoderHidden = encoderHidden
        self.encoderLayers = encoderLayers
        self.bidirectional = bidirectional
        self.encoderDense = encoderDense
        self.latent = latent
        self.decoderCell = decoderCell
        self.decoderHidden = decoderHidden
        self.decoderLayers = decoderLayers
        self.latentToInitialState = latentToInitialState
        self.latentAtEveryStep = latentAtEveryStep
        self.wordDropout = wordDropout
    }

    /// The width of the encoder summary (final hidden state of the last layer, both directions).
    public var summaryWidth: Int { encoderHidden * (bidirectional ? 2 : 1) }

    /// The width of the decoder's input at one step.
    public var decoderInputWidth: Int { embeddingDimension + (latentAtEveryStep ? latent : 0) }

    /// Checks that the sizes make sense (called by `SentenceVAE.init`).
    public func validate() {
        precondition(vocabularySize > SpecialToken.end.index, "vocabularySize must include the special ids 0…3.")
        precondition(embeddingDimension > 0 && encoderHidden > 0 && decoderHidden > 0 && latent > 0)
        precondition(encoderLayers >= 1 && decoderLayers >= 1)
        precondition(encoderDense.map { $0 > 0 } ?? true)
        precondition(
            latentToInitialState || latentAtEveryStep,
            "The decoder must see z: enable latentToInitialState and/or latentAtEveryStep.")
        precondition(wordDropout >= 0 && wordDropout <= 1 && embeddingDropout >= 0 && embeddingDropout < 1)
        precondition((0..<1).contains(outputDropout ?? 0), "outputDropout must be at least 0 and below 1.")
        if outputTied {
            precondition(
                decoderHidden == embeddingDimension,
                "A tied output layer needs decoderHidden (\(decoderHidden)) == embeddingDimension (\(embeddingDimension)).")
            precondition(!freezeEmbeddings, "A tied output layer needs a trainable embedding.")
        }
    }
}
