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

extension TextModel {
    /// Per-sequence training when the model has no first phase of its own.
    public func posterior(of start: StepStart) -> (mean: Tensor, logVariance: Tensor)? { nil }
}
