import Foundation
import NeuralCore

/// Data-parallel training of a ``SentenceVAE`` on the cores of one machine.
///
/// Each batch is cut into `shards` slices of consecutive sentences. Slice i runs forward and
/// backward on replica i — a `SentenceVAE` whose parameters share the primary model's weights
/// (``Parameter/shareValue(of:)``) but own their gradients — on its own thread; the replicas'
/// gradients are then added into the primary's, which the caller clips and steps as usual.
///
/// Why: the model's GEMMs are small (a recurrent step is `[32…100, H] · [H, 4H]`), and OpenBLAS's
/// threads spend much of such a call waiting for each other, or spin while the other core has
/// other work. Two independent halves of the batch with single-threaded GEMMs (NeuralCore's
/// default everywhere) keep both cores busy with no synchronisation inside the step.
///
/// **The objective is the batch's**, not the slices': each slice's losses and gradients are its
/// sums divided by the whole batch's size, so they add up to the batch mean, and free bits use
/// the whole batch's per-dimension KL, gathered between the encoder and decoder phases.
/// **Randomness** (ε, word and embedding dropout) differs from `SentenceVAE.trainStep` on the
/// whole batch — each slice draws from its own generator split off `rng` — but is fixed by `rng`
/// and `shards`: the number of cores changes timing only, never results.
///
/// ```swift
/// let parallel = DataParallelSentenceVAE(model: vae, shards: 2)
/// vae.zeroGradients()
/// let metrics = parallel.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &rng)
/// clipGradientNorm(vae.namedParameters, maxNorm: 5)
/// adam.update(vae.namedParameters)
/// ```
public final class DataParallelSentenceVAE: @unchecked Sendable {
    /// The primary model (replica 0): the one the optimiser updates and checkpoints save.
    public let model: SentenceVAE
    /// The number of slices per batch (at most the batch size is used).
    public let shards: Int
    private let replicas: ModelReplicas<SentenceVAE>

    public init(model: SentenceVAE, shards: Int) {
        precondition(shards >= 1, "DataParallelSentenceVAE: shards must be at least 1, got \(shards).")
        self.model = model
        self.shards = shards
        replicas = ModelReplicas(primary: model, count: shards) { SentenceVAE(configuration: model.configuration, rng: &$0) }
    }

    /// Forward + backward on `batch`, split across the replicas; **accumulates** the batch's
    /// gradient into the primary model's parameters (the caller zeroes, clips and steps), exactly
    /// like ``SentenceVAE/trainStep(_:objective:rng:)``.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics {
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.trainStep(batch, objective: objective, rng: &rng)
        }
        let n = batches.count, B = batch.batchSize
        let replicas = self.replicas.models

        // Phase 1: the encoders, to know the whole batch's per-dimension KL before any gradient.
        let encoded = ModelReplicas<SentenceVAE>.concurrentMap(n) { i -> (SentenceVAE.EncoderPass, RandomGenerator) in
            var r = generators[i]
            let e = replicas[i].encodeForward(batches[i], training: true, rng: &r)
            return (e, r)
        }
        let klMeans = KLTerm.batchDimensionMeans(ofSlices: encoded.map { ($0.0.mean, $0.0.logVariance) },
                                                 latent: model.configuration.latent, batchSize: B, objective: objective)
        // Phase 2: decoders, losses and the backward passes.
        let outcomes = ModelReplicas<SentenceVAE>.concurrentMap(n) { i -> SentenceVAE.Outcome in
            var r = encoded[i].1
            return replicas[i].finish(batches[i], encoded: encoded[i].0, objective: objective, training: true,
                                      gradients: true, normalizer: B, klDimensionMeans: klMeans, rng: &r)
        }
        self.replicas.mergeGradients()
        return KLTerm.mergedMetrics(outcomes.map(\.metrics), batchDimensionMeans: klMeans, objective: objective, batchSize: B)
    }

    /// ``SentenceVAE/evaluate(_:rng:)`` with the slices evaluated concurrently; the per-sentence
    /// results are in the batch's order.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        replicas.evaluateSlices(batch, rng: &rng) { $0.evaluate($1, rng: &$2) }
    }

    /// ``SentenceVAE/importanceWeightedNLL(_:samples:rng:)`` with the batch's sentences split
    /// across the replicas (each slice draws from a generator split off `rng`), in the batch's order.
    public func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double] {
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.importanceWeightedNLL(batch, samples: samples, rng: &rng)
        }
        let models = replicas.models
        return ModelReplicas<SentenceVAE>.concurrentMap(batches.count) { i -> [Double] in
            var r = generators[i]
            return models[i].importanceWeightedNLL(batches[i], samples: samples, rng: &r)
        }.flatMap { $0 }
    }
}
