/// The hyper-parameters of a ``CharacterVAE`` (seed 000's character recurrent VAE: 128 byte
/// values, embedding 64, LSTM 256 encoder and decoder, latent 32).
///
/// Unlike ``SentenceVAEConfiguration`` there are no special ids: every id in `0..<vocabularySize`
/// is a character, and the decoder's first input is `startSymbol` (the reference shifts the
/// sequence right with 0, the NUL byte, which plain text never contains).
public struct CharacterVAEConfiguration: Codable, Sendable, Hashable {
    /// V, the number of symbols (128 for ASCII bytes, or a character vocabulary's size).
    public var vocabularySize: Int
    /// E, the character embedding width (shared by the encoder and decoder inputs, as the reference).
    public var embeddingDimension = 64
    /// The encoder LSTM's width; its final hidden state is the summary that gives μ and log σ².
    public var encoderHidden = 256
    /// Z, the latent dimension.
    public var latent = 32
    /// The decoder LSTM's width. Its input at every step is [embed(previous character), z].
    public var decoderHidden = 256
    /// The decoder's input before the first character (teacher forcing shifts right with it).
    public var startSymbol = 0
    /// Probability of replacing a decoder input character by `startSymbol` during training
    /// (Bowman et al.'s word dropout at the character level: the decoder must lean on z). 0 in the
    /// reference.
    public var characterDropout: Float = 0
    /// The symbol that ends a sequence when the model was trained on lines with `<eos>` (decoding
    /// stops there); nil for windows of a character stream, which have no end. Optional so that
    /// configurations saved before it existed still decode.
    public var endSymbol: Int? = nil
    /// Teacher forcing ratio r: at each decoder step of training, with probability r the true
    /// previous character is fed, otherwise the model's own greedy choice. nil or 1: always the
    /// true one (the fast path).
    public var teacherForcing: Float? = nil
    /// z → Linear → the decoder's initial state (h0 and c0). nil: no (the reference).
    public var latentToInitialState: Bool? = nil
    /// z concatenated to the decoder's input at every step. nil: yes (the reference).
    public var latentAtEveryStep: Bool? = nil

    /// Whether z starts the decoder's state.
    public var startsFromLatent: Bool { latentToInitialState ?? false }
    /// Whether z is part of every decoder input.
    public var feedsLatentAtEveryStep: Bool { latentAtEveryStep ?? true }

    public init(
        vocabularySize: Int, embeddingDimension: Int = 64, encoderHidden: Int = 256, latent: Int = 32,
        decoderHidden: Int = 256, startSymbol: Int = 0, characterDropout: Float = 0
    ) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.encoderHidden = encoderHidden
        self.latent = latent
        self.decoderHidden = decoderHidden
        self.startSymbol = startSymbol
        self.characterDropout = characterDropout
    }

    /// The width of the decoder's input at one step: the embedding and z.
    public var decoderInputWidth: Int { embeddingDimension + (feedsLatentAtEveryStep ? latent : 0) }

    /// Stops with a message naming the bad field (a programming error: pipelines validate first).
    public func validate() {
        precondition(
            vocabularySize >= 2, "CharacterVAEConfiguration: vocabularySize must be at least 2, got \(vocabularySize).")
        for (name, value) in [
            ("embeddingDimension", embeddingDimension), ("encoderHidden", encoderHidden),
            ("latent", latent), ("decoderHidden", decoderHidden)
        ] {
            precondition(value >= 1, "CharacterVAEConfiguration: \(name) must be at least 1, got \(value).")
        }
        precondition(
            (0..<vocabularySize).contains(startSymbol),
            "CharacterVAEConfiguration: startSymbol \(startSymbol) outside 0..<\(vocabularySize).")
        precondition(
            endSymbol.map { (0..<vocabularySize).contains($0) } ?? true,
            "CharacterVAEConfiguration: endSymbol \(endSymbol ?? 0) outside 0..<\(vocabularySize).")
        precondition(
            (0...1).contains(teacherForcing ?? 1),
            "CharacterVAEConfiguration: teacherForcing must lie in [0, 1], got \(teacherForcing ?? 1).")
        precondition(
            startsFromLatent || feedsLatentAtEveryStep,
            "CharacterVAEConfiguration: the decoder must see z: latentToInitialState and/or latentAtEveryStep.")
        precondition(
            characterDropout >= 0 && characterDropout < 1,
            "CharacterVAEConfiguration: characterDropout must lie in [0, 1), got \(characterDropout).")
    }
}
