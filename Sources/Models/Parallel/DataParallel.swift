import Foundation
import NeuralCore

/// A batch trainer the training loop and the evaluator hold without knowing the model's type.
public protocol BatchTrainer: AnyObject, Sendable {
    /// The model whose parameters the optimiser updates and checkpoints save.
    var textModel: any TextModel { get }
    /// Forward + backward on `batch`; **accumulates** the batch's gradient into the model's
    /// parameters (the caller zeroes, clips and steps).
    func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    /// The model's `evaluate`, per sequence in the batch's order.
    func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult
    /// −log p(x) per sequence by importance sampling, or nil when the model has no posterior
    /// to sample from (see ``ImportanceWeightedModel``).
    func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double]?
}

/// Data-parallel training of any ``TextModel`` on the cores of one machine.
///
/// Each batch is cut into `shards` slices of consecutive sequences. Slice i runs forward and
/// backward on replica i — a model of the same configuration whose parameters share the primary
/// model's weights (``Parameter/shareValue(of:)``) but own their gradients — on its own thread;
/// the replicas' gradients are then added into the primary's, which the caller clips and steps.
///
/// Why: the models' GEMMs are small (a recurrent step is `[32…100, H] · [H, 4H]`), and
/// OpenBLAS's threads spend much of such a call waiting for each other. Independent slices with
/// single-threaded GEMMs keep every core busy with no synchronisation inside the step.
///
/// **The objective is the batch's**, not the slices': each slice's losses and gradients are its
/// sums divided by the whole batch's size, so they add up to the batch mean, and free bits use
/// the whole batch's per-dimension KL, gathered between the two phases of the step
/// (``TextModel/beginStep(_:rng:)``, ``TextModel/finishStep(_:from:objective:normalizer:klDimensionMeans:rng:)``).
/// **Randomness** differs from the model's `trainStep` on the whole batch — each slice draws from
/// its own generator split off `rng` — but is fixed by `rng` and `shards`: the number of cores
/// changes timing only, never results.
///
/// ```swift
/// let parallel = DataParallel(model: vae, shards: 2)
/// vae.zeroGradients()
/// let metrics = parallel.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &rng)
/// clipGradientNorm(vae.namedParameters, maxNorm: 5)
/// adam.update(vae.namedParameters)
/// ```
public final class DataParallel<Model: TextModel>: BatchTrainer, @unchecked Sendable {
    /// The primary model (replica 0): the one the optimiser updates and checkpoints save.
    public let model: Model
    /// The number of slices per batch (at most the batch size is used).
    public let shards: Int
    private let replicas: ModelReplicas<Model>

    public init(model: Model, shards: Int) {
        precondition(shards >= 1, "DataParallel: shards must be at least 1, got \(shards).")
        self.model = model
        self.shards = shards
        replicas = ModelReplicas(primary: model, count: shards) { Model(configuration: model.configuration, rng: &$0) }
    }

    public var textModel: any TextModel { model }

    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics {
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.trainStep(batch, objective: objective, rng: &rng)
        }
        let n = batches.count, B = batch.batchSize
        let models = replicas.models
        // Phase 1 (a VAE's encoders), so that free bits see the whole batch's KL before any gradient.
        let begun = ModelReplicas<Model>.concurrentMap(n) { i -> (Model.StepStart, RandomGenerator) in
            var r = generators[i]
            let start = models[i].beginStep(batches[i], rng: &r)
            return (start, r)
        }
        let posteriors = begun.indices.compactMap { models[$0].posterior(of: begun[$0].0) }
        let klMeans = posteriors.count == n
            ? KLTerm.batchDimensionMeans(ofSlices: posteriors, latent: posteriors[0].mean.lastDimension, batchSize: B, objective: objective)
            : nil
        // Phase 2: the rest of the forward pass, the losses and the backward passes.
        let metrics = ModelReplicas<Model>.concurrentMap(n) { i -> StepMetrics in
            var r = begun[i].1
            return models[i].finishStep(batches[i], from: begun[i].0, objective: objective, normalizer: B,
                                        klDimensionMeans: klMeans, rng: &r)
        }
        replicas.mergeGradients()
        return KLTerm.mergedMetrics(metrics, batchDimensionMeans: klMeans, objective: objective, batchSize: B)
    }

    /// The model's `evaluate` with the slices evaluated concurrently; per-sequence results in
    /// the batch's order.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        replicas.evaluateSlices(batch, rng: &rng) { $0.evaluate($1, rng: &$2) }
    }

    public func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double]? {
        guard let scorer = self as? any ImportanceWeightedScoring else { return nil }
        return scorer.scoreImportanceWeighted(batch, samples: samples, rng: &rng)
    }
}

/// The importance-weighted bound for models that have it (a conditional conformance, found at
/// run time by ``DataParallel/importanceWeightedNLL(_:samples:rng:)``).
protocol ImportanceWeightedScoring {
    func scoreImportanceWeighted(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double]
}

extension DataParallel: ImportanceWeightedScoring where Model: ImportanceWeightedModel {
    /// The model's importance-weighted NLL with the batch's sequences split across the replicas
    /// (each slice draws from a generator split off `rng`), in the batch's order.
    func scoreImportanceWeighted(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double] {
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.importanceWeightedNLL(batch, samples: samples, rng: &rng)
        }
        let models = replicas.models
        return ModelReplicas<Model>.concurrentMap(batches.count) { i -> [Double] in
            var r = generators[i]
            return models[i].importanceWeightedNLL(batches[i], samples: samples, rng: &r)
        }.flatMap { $0 }
    }
}

/// A ``DataParallel`` over `model`, whatever its type.
public func makeBatchTrainer(_ model: any TextModel, shards: Int) -> any BatchTrainer {
    func open<M: TextModel>(_ m: M) -> any BatchTrainer { DataParallel(model: m, shards: shards) }
    return open(model)
}
