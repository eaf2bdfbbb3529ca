import Foundation
import NeuralCore

/// Data-parallel training of a ``VRNN``: each batch of sequences is cut into `shards` slices that
/// run forward and backward concurrently on replicas sharing the primary's weights (see
/// ``DataParallelSentenceVAE`` for the design and why). The VRNN's loss has no batch-level term,
/// so each slice only divides its sums by the whole batch's size. ε of each slice comes from its
/// own generator split off `rng`: results depend on `shards`, never on the number of cores.
public final class DataParallelVRNN: @unchecked Sendable {
    /// The primary model (replica 0): the one the optimiser updates.
    public let model: VRNN
    public let shards: Int
    private let replicas: ModelReplicas<VRNN>

    public init(model: VRNN, shards: Int) {
        precondition(shards >= 1, "DataParallelVRNN: shards must be at least 1, got \(shards).")
        self.model = model
        self.shards = shards
        replicas = ModelReplicas(primary: model, count: shards) { VRNN(configuration: model.configuration, rng: &$0) }
    }

    /// ``VRNN/trainStep(_:objective:rng:)`` over the slices; **accumulates** the batch's gradient
    /// into the primary model's parameters.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics {
        guard let (batches, generators) = replicas.split(batch, rng: &rng) else {
            return model.trainStep(batch, objective: objective, rng: &rng)
        }
        let models = replicas.models, B = batch.batchSize
        let metrics = ModelReplicas<VRNN>.concurrentMap(batches.count) { i -> StepMetrics in
            var r = generators[i]
            return models[i].run(batches[i], beta: objective.beta, gradients: true, normalizer: B, rng: &r)
        }
        replicas.mergeGradients()
        return StepMetrics(loss: metrics.reduce(0) { $0 + $1.loss }, reconstruction: metrics.reduce(0) { $0 + $1.reconstruction },
                           kl: metrics.reduce(0) { $0 + $1.kl }, tokens: metrics.reduce(0) { $0 + $1.tokens }, sentences: B)
    }
}
