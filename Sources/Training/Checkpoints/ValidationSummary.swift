/// The figures of one validation pass.
public struct ValidationSummary: Codable, Sendable, Equatable {
    public var sentences: Int
    /// Target tokens, `<eos>` included.
    public var tokens: Int
    /// Mean per sentence of reconstruction NLL + KL (the negative ELBO).
    public var loss: Double
    public var reconstruction: Double
    public var kl: Double
    /// exp(negative ELBO per token): an upper bound of the true perplexity.
    public var perplexity: Double
    public var activeUnits: Int
    public var latent: Int
    public var mutualInformation: Double?

    public init(
        sentences: Int, tokens: Int, loss: Double, reconstruction: Double, kl: Double, perplexity: Double,
        activeUnits: Int, latent: Int, mutualInformation: Double?
    ) {
        self.sentences = sentences
        self.tokens = tokens
        self.loss = loss
        self.reconstruction = reconstruction
        self.kl = kl
        self.perplexity = perplexity
        self.activeUnits = activeUnits
        self.latent = latent
        self.mutualInformation = mutualInformation
    }
}
