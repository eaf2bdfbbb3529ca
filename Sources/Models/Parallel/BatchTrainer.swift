import Foundation
import NeuralCore
import Support

/// A batch trainer the training loop and the evaluator hold without knowing the model's type.
public protocol BatchTrainer: AnyObject, Sendable {
    /// The model whose parameters the optimiser updates and checkpoints save.
    var textModel: any TextModel { get }
    /// Forward + backward on `batch`; **accumulates** the batch's gradient into the model's
    /// parameters (the caller zeroes, clips and steps).
    func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    /// Forward + backward on `batch` for an optimiser step: the caller zeroes the gradients
    /// before, and after it calls ``clipGradients(maxNorm:)`` and ``update(_:)``, which read the
    /// gradient where this left it. For one process that is ``trainStep(_:objective:rng:)``;
    /// across a group each process keeps the summed gradient of its share of the parameters only
    /// (the optimiser is sharded: see ``DataParallel``), so the parameters' gradients are not the
    /// sum.
    func gradientStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    /// The global L2 norm of the last ``gradientStep(_:objective:rng:)``'s gradient
    /// (`gradientNorm`), and with `maxNorm` > 0 the gradient scaled to a norm of at most
    /// `maxNorm` (`clipGradientNorm`). Returns the norm before clipping.
    func clipGradients(maxNorm: Float) -> Float
    /// The optimiser step after ``gradientStep(_:objective:rng:)``: `apply` updates the
    /// parameters with the regions it is given (`Optimizer.update(_:regions:)`). Across a group
    /// each process updates its share, and then every process receives the others' new weights.
    func update(_ apply: (any GradientRegions) -> Void)
    /// Brings the whole per-element optimiser state (`state`: `Optimizer.elementState(of:)`) to
    /// every process, where each kept only its share current (a group's sharded optimiser);
    /// call it before saving the state. A collective call: every process at the same step.
    func gatherOptimizerState(_ state: (String) -> [Tensor])
    /// The model's `evaluate`, per sequence in the batch's order.
    func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult
    /// −log p(x) per sequence by importance sampling, or nil when the model has no posterior
    /// to sample from (see ``ImportanceWeightedModel``).
    func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double]?
    /// The processes training together (nil: this process alone).
    var group: (any ProcessGroup)? { get }
    /// What communication between the processes has cost so far (zero without a group).
    var communication: CommunicationStatistics { get }
    /// Whether every process holds the same weights (a fingerprint compared across the group; a
    /// collective call, so every process must make it at the same step). True without a group.
    func weightsAgree() -> Bool
}
