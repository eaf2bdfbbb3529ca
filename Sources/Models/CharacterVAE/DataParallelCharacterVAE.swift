import Foundation
import NeuralCore

/// Data-parallel training of a ``CharacterVAE``: each batch is cut into `shards` slices that run
/// forward and backward concurrently on replicas sharing the primary's weights (see
/// ``DataParallelSentenceVAE`` for the design and why: the recurrent GEMMs `[B, H]·[H, 4H]` are
/// too small for OpenBLAS's threads to help much, two halves of the batch on one core each do).
///
/// The objective is the whole batch's: each slice divides its sums by the whole batch's size,
/// and free bits decide on the whole batch's per-dimension KL, gathered between the encoder and
/// decoder phases. ε and character dropout of each slice come from a generator split off `rng`,
/// so results depend on `shards`, never on the number of cores.
public final class DataParallelCharacterVAE: @unchecked Sendable {
    /// The primary model (replica 0): the one the optimiser updates and checkpoints save.
    public let model: CharacterVAE
    public let shards: Int
    private let replicas: ModelReplicas<CharacterVAE>

    public init(model: CharacterVAE, shards: Int) {
        precondition(shards >= 1, "DataParallelCharacterVAE: shards must be at least 1, got \(shards).")
        self.model = model
        self.shards = shards
        replicas = ModelReplicas(primary: model, count: shards) { CharacterVAE(configuration: model.configuration, rng: &$0) }
    }

    /// ``CharacterVAE/trainStep(_:objective:rng:)`` over the slices; **accumulates** the batch's
    /// gradient into the primary model's parameters.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics {
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.trainStep(batch, objective: objective, rng: &rng)
        }
        let n = batches.count, B = batch.batchSize
        let models = replicas.models
        // Phase 1: the encoders, so that free bits see the whole batch's KL before any gradient.
        let encoded = ModelReplicas<CharacterVAE>.concurrentMap(n) { models[$0].encodeForward(batches[$0]) }
        let klMeans = KLTerm.batchDimensionMeans(ofSlices: encoded.map { ($0.mean, $0.logVariance) },
                                                 latent: model.configuration.latent, batchSize: B, objective: objective)
        // Phase 2: decoders, losses and the backward passes.
        let outcomes = ModelReplicas<CharacterVAE>.concurrentMap(n) { i -> CharacterVAE.Outcome in
            var r = generators[i]
            return models[i].finish(batches[i], encoded: encoded[i], objective: objective, training: true, gradients: true,
                                    normalizer: B, klDimensionMeans: klMeans, rng: &r)
        }
        replicas.mergeGradients()
        return KLTerm.mergedMetrics(outcomes.map(\.metrics), batchDimensionMeans: klMeans, objective: objective, batchSize: B)
    }

    /// ``CharacterVAE/evaluate(_:rng:)`` with the slices evaluated concurrently; per-sequence
    /// results in the batch's order.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        replicas.evaluateSlices(batch, rng: &rng) { $0.evaluate($1, rng: &$2) }
    }
}
