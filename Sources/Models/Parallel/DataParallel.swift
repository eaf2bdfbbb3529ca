import Foundation
import NeuralCore
import Support

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
/// **Across processes** (a ``ProcessGroup``, e.g. MPI ranks): every process holds the same
/// model and is given the same batch — the *global* batch. The batch is cut into
/// `group.size × shards` slices exactly as one process with that many shards would cut it, with
/// the same generators (all split off `rng` in slice order); process r runs slices
/// `r·shards ..< (r+1)·shards` on its replicas. Free bits' per-dimension KL sums and the metrics
/// are summed over the group; per-slice figures travel as exact values (one slot per slice, zeros
/// elsewhere) and are combined in slice order, so they are bit-identical to one process's. The
/// gradient travels in one contiguous buffer (``GradientExchange``: the dense gradients live in
/// it, and only the embedding rows some process touched are packed after them). The training
/// loop's step (``gradientStep(_:objective:rng:)``, ``clipGradients(maxNorm:)``, ``update(_:)``)
/// **shards the optimiser**: a reduce-scatter leaves each process the summed gradient of its
/// share of the parameters, each clips and updates its share only — the norm rebuilt from every
/// share's partial sums exactly as `gradientNorm` adds them — and an allgather brings every
/// share's new weights to all. The gradient sum is a+b for two slices, identical in either order,
/// so two processes × 1 shard give bit-identical weights and optimiser state to one process × 2
/// shards (more addends may round differently, as the group's reduction order is its own).
/// ``trainStep(_:objective:rng:)`` across a group leaves every process the whole summed gradient
/// (an allreduce of the same buffer).
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
    /// The processes sharing each batch (see the type's discussion of groups), nil for one process.
    public let group: (any ProcessGroup)?
    let replicas: ModelReplicas<Model>
    /// The gradients and weights exchanged between the group's processes (nil for one process).
    let exchange: GradientExchange?
    /// What the group's collective calls cost (nil for one process).
    let meter: CommunicationMeter?
    /// The gradient norm of the last sharded ``gradientStep(_:objective:rng:)``.
    var stepNorm: Float = 0
    public var communication: CommunicationStatistics { meter?.statistics ?? CommunicationStatistics() }

    /// - Parameters:
    ///   - shards: slices per batch on this process (replicas of `model`).
    ///   - group: other processes training the same model on the same batches; each runs
    ///     `shards` of the `group.size × shards` slices of every batch.
    public init(model: Model, shards: Int, group: (any ProcessGroup)? = nil) {
        precondition(shards >= 1, "DataParallel: shards must be at least 1, got \(shards).")
        self.model = model
        self.shards = shards
        self.group = group.flatMap { $0.size > 1 ? $0 : nil }
        replicas = ModelReplicas(primary: model, count: shards) { Model(configuration: model.configuration, rng: &$0) }
        if let group = self.group {
            let meter = CommunicationMeter(group: group)
            self.meter = meter
            // The primary's gradients and weights move into the exchange's buffers; the replicas
            // then read the weights there.
            exchange = GradientExchange(model.namedParameters, group: group, meter: meter)
            replicas.shareValues()
        } else {
            meter = nil
            exchange = nil
        }
    }

    public var textModel: any TextModel { model }

    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics
    {
        if let group, let exchange {
            return distributedStep(batch, objective: objective, group: group, exchange: exchange, rng: &rng)
        }
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.trainStep(batch, objective: objective, rng: &rng)
        }
        let n = batches.count, B = batch.batchSize
        let models = replicas.models
        // Phase 1 (a VAE's encoders), so that free bits see the whole batch's KL before any gradient.
        let begun = Parallelism.map(n) { i -> (Model.StepStart, RandomGenerator) in
            var r = generators[i]
            let start = models[i].beginStep(batches[i], rng: &r)
            return (start, r)
        }
        let posteriors = begun.indices.compactMap { models[$0].posterior(of: begun[$0].0) }
        let klMeans =
            posteriors.count == n
            ? KLTerm.batchDimensionMeans(
                ofSlices: posteriors, latent: posteriors[0].mean.lastDimension, batchSize: B, objective: objective)
            : nil
        // Phase 2: the rest of the forward pass, the losses and the backward passes.
        let metrics = Parallelism.map(n) { i -> StepMetrics in
            var r = begun[i].1
            return models[i].finishStep(
                batches[i], from: begun[i].0, objective: objective, normalizer: B,
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
        return Parallelism.map(batches.count) { i -> [Double] in
            var r = generators[i]
            return models[i].importanceWeightedNLL(batches[i], samples: samples, rng: &r)
        }.flatMap { $0 }
    }
}

/// A ``DataParallel`` over `model`, whatever its type (across `group`'s processes when given).
public func makeBatchTrainer(_ model: any TextModel, shards: Int, group: (any ProcessGroup)? = nil) -> any BatchTrainer
{
    func open<M: TextModel>(_ m: M) -> any BatchTrainer { DataParallel(model: m, shards: shards, group: group) }
    return open(model)
}

extension BatchTrainer {
    public var group: (any ProcessGroup)? { nil }
    public var communication: CommunicationStatistics { CommunicationStatistics() }
    public func weightsAgree() -> Bool { true }

    public func gradientStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator)
        -> StepMetrics
    {
        trainStep(batch, objective: objective, rng: &rng)
    }

    public func clipGradients(maxNorm: Float) -> Float {
        let parameters = textModel.namedParameters
        return maxNorm > 0 ? clipGradientNorm(parameters, maxNorm: maxNorm) : gradientNorm(parameters)
    }

    public func update(_ apply: (any GradientRegions) -> Void) { apply(WholeGradients()) }

    public func gatherOptimizerState(_ state: (String) -> [Tensor]) {}
}
