import NeuralCore

/// What a model's `evaluate` returns for one batch.
public struct EvaluationResult: Sendable {
    /// Σ −log p(target | …) over each sequence's targets with one posterior sample, `[B]`.
    public var perSentenceReconstruction: [Double]
    /// The KL term per sequence, `[B]` (0 for a model without latents).
    public var perSentenceKL: [Double]
    /// Targets in the batch (for the sentence and word VAEs: tokens + one `<eos>` per sequence).
    public var tokens: Int
    /// μ and log σ² `[B, Z]` of a model with one latent per sequence; nil otherwise.
    public var means: Tensor?
    public var logVariances: Tensor?

    public init(
        perSentenceReconstruction: [Double], perSentenceKL: [Double], tokens: Int, means: Tensor?, logVariances: Tensor?
    ) {
        self.perSentenceReconstruction = perSentenceReconstruction
        self.perSentenceKL = perSentenceKL
        self.tokens = tokens
        self.means = means
        self.logVariances = logVariances
    }
}
