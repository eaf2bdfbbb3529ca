import NeuralCore

/// The model families, as the pipeline file's `model.type` names them.
public enum ModelKind: String, Codable, Sendable, CaseIterable {
    /// Bowman et al. 2016 over words.
    case sentenceVAE = "sentence_vae"
    /// A recurrent VAE over characters (windows of a character stream, or lines).
    case characterVAE = "char_vae"
    /// Chung et al. 2015: a latent variable per step, over characters.
    case vrnn
    /// A sentence VAE whose records are single words spelt letter by letter: it invents words.
    case wordVAE = "word_vae"
    /// An LSTM language model over characters without a latent: the baseline.
    case languageModel = "lstm_lm"

    /// Whether the model reads characters (windows or lines) rather than words.
    public var readsCharacters: Bool { self != .sentenceVAE }
    /// For people: "sentence VAE", "VRNN", ….
    public var displayName: String {
        switch self {
        case .sentenceVAE: "sentence VAE"
        case .characterVAE: "character VAE"
        case .vrnn: "VRNN"
        case .wordVAE: "word VAE"
        case .languageModel: "LSTM language model"
        }
    }
}
