/// Test-set figures of a trained model, accumulated batch by batch over a streamed file: the
/// negative ELBO and its parts, the importance-weighted NLL (Burda et al. 2016) with K samples,
/// both perplexities (per token, `<eos>` counted), the mutual information I(x; z) estimate and
/// the active units (variance of μ over the set > 0.01).
public struct EvaluationReport: Codable, Sendable, Equatable {
    public var sentences = 0
    /// Target tokens, `<eos>` included.
    public var tokens = 0
    public var negativeELBO = 0.0
    public var reconstruction = 0.0
    public var kl = 0.0
    public var perplexityELBO = 0.0
    public var importanceSamples = 0
    public var importanceWeightedNLL: Double?
    public var importanceWeightedPerplexity: Double?
    public var mutualInformation = 0.0
    public var activeUnits = 0
    public var latent = 0
    public var skippedEmpty = 0
    public var seconds = 0.0
    /// The model family evaluated.
    public var model: String?
    /// Character models: the negative ELBO (the NLL for the language model) per symbol, in bits.
    public var bitsPerCharacter: Double?
    /// Mean token F1 of the first 200 sequences against their greedy reconstructions from the
    /// posterior mean (models with a sentence latent).
    public var reconstructionF1: Double?

    enum CodingKeys: String, CodingKey {
        case sentences, tokens, reconstruction, kl, latent, seconds, model
        case bitsPerCharacter = "bits_per_character"
        case reconstructionF1 = "reconstruction_f1"
        case negativeELBO = "negative_elbo"
        case perplexityELBO = "perplexity_elbo"
        case importanceSamples = "importance_samples"
        case importanceWeightedNLL = "iw_nll"
        case importanceWeightedPerplexity = "iw_perplexity"
        case mutualInformation = "mutual_information"
        case activeUnits = "active_units"
        case skippedEmpty = "skipped_empty"
    }
}
