import Foundation
import NeuralCore
import Support

/// What every model vae-pipeline trains implements: the trainer, the data-parallel wrapper, the
/// evaluator and the after-training commands are written once against it.
///
/// A training step is two phases so that a batch cut into slices (``DataParallel``) can share
/// what the objective needs from the whole batch between them: ``beginStep(_:rng:)`` runs what
/// comes before any batch-level decision (a VAE's encoder), ``posterior(of:)`` exposes the
/// sentence posterior that free bits decide on, and ``finishStep(_:from:objective:normalizer:klDimensionMeans:rng:)``
/// runs the rest and the backward pass. A model without a batch-level term does all its work in
/// the second phase.
public protocol TextModel: Module, Sendable {
    /// The hyper-parameters: they rebuild the model (see ``ModelConfiguration``).
    associatedtype Configuration: Codable, Sendable, Hashable
    /// What the first phase of a training step hands to the second.
    associatedtype StepStart

    var configuration: Configuration { get }
    init(configuration: Configuration, rng: inout RandomGenerator)

    /// Forward + backward on the whole batch; **accumulates** gradients (the caller zeroes, clips
    /// and steps).
    func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    /// Per-sequence terms of the negative ELBO (or NLL) without gradients or dropout.
    func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult

    /// Phase 1 of a training step on one slice.
    func beginStep(_ batch: TokenBatch, rng: inout RandomGenerator) -> StepStart
    /// The slice's posterior μ, log σ² `[b, Z]` when the objective has a per-batch KL term.
    func posterior(of start: StepStart) -> (mean: Tensor, logVariance: Tensor)?
    /// Phase 2: the rest of the forward pass and the backward pass. Losses and gradients are the
    /// slice's sums divided by `normalizer` (the whole batch's size), so slices add up;
    /// `klDimensionMeans` are the whole batch's per-dimension KL means (free bits), nil when the
    /// slice is the whole batch.
    func finishStep(
        _ batch: TokenBatch, from start: StepStart, objective: ObjectiveSettings, normalizer: Int,
        klDimensionMeans: [Double]?, rng: inout RandomGenerator
    ) -> StepMetrics

    /// Sequences generated from the model's prior, at most `maxLength` ids each.
    func generate(count: Int, maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator) -> [[Int32]]
}

/// A model with one latent vector per sequence: `encode`, `reconstruct`, `interpolate`,
/// `neighbors` and the latent-space figures (mutual information, active units) need it.
public protocol LatentTextModel: TextModel {
    /// Z, the width of the sequence latent.
    var latentWidth: Int { get }
    /// The posterior parameters μ, log σ² `[B, Z]` (no dropout).
    func encode(_ batch: TokenBatch) -> (mean: Tensor, logVariance: Tensor)
    /// Sequences decoded from latents `[N, Z]`, at most `maxLength` ids each.
    func decode(_ latents: Tensor, strategy: DecodingStrategy, maxLength: Int, rng: inout RandomGenerator) -> [[Int32]]
    /// Name prefixes of the decoder's parameters (what re-initialising the decoder after an
    /// autoencoder phase replaces; the shared embedding is not among them).
    var decoderParameterPrefixes: [String] { get }
    /// Name prefixes of the inference network's parameters (the encoder and the posterior's
    /// layers): what aggressive inference-network training updates on its own, while the
    /// decoder and the shared embedding — the generative model — stay as they are.
    var encoderParameterPrefixes: [String] { get }
}

/// A model that can continue a start string: its generated sequences begin with `prefix`
/// (forced through the generative process) and go on from it. The character models.
public protocol PrefixGenerating: TextModel {
    func generate(count: Int, prefix: [Int32], maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator)
        -> [[Int32]]
}

/// A model that can estimate log p(x) by importance sampling from its posterior (Burda et al.
/// 2016): `eval`'s IW-NLL.
public protocol ImportanceWeightedModel: TextModel {
    /// −log p(x) per sequence estimated with `samples` draws from q(z|x).
    func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double]
}

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

extension TextModel {
    /// Per-sequence training when the model has no first phase of its own.
    public func posterior(of start: StepStart) -> (mean: Tensor, logVariance: Tensor)? { nil }
}
