/// The hyper-parameters of a ``VRNN`` (Chung et al. 2015, "A Recurrent Latent Variable Model for
/// Sequential Data"), with a categorical output over symbols (seed 001: 128 byte values,
/// embedding 64, GRU 64, latent 64).
public struct VRNNConfiguration: Codable, Sendable, Hashable {
    /// V, the number of symbols (e.g. 128 for ASCII bytes, or a character vocabulary's size).
    public var vocabularySize: Int
    /// E, the symbol embedding width.
    public var embeddingDimension = 64
    /// H, the width of the GRU state and of every feature extractor (φ_x, φ_z, encoder, prior,
    /// decoder hidden layers).
    public var hidden = 64
    /// Z, the latent dimension of each step.
    public var latent = 64

    public init(vocabularySize: Int, embeddingDimension: Int = 64, hidden: Int = 64, latent: Int = 64) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.hidden = hidden
        self.latent = latent
    }

    /// Stops with a message naming the bad field (a programming error: pipelines validate first).
    func validate() {
        precondition(
            vocabularySize >= 2, "VRNNConfiguration: vocabularySize must be at least 2, got \(vocabularySize).")
        for (name, value) in [("embeddingDimension", embeddingDimension), ("hidden", hidden), ("latent", latent)] {
            precondition(value >= 1, "VRNNConfiguration: \(name) must be at least 1, got \(value).")
        }
    }
}
