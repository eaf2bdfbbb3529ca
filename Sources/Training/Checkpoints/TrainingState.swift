import Foundation

/// Everything besides the weights and optimiser moments that a resumed run needs to continue
/// exactly: the step, where in the data stream it was, and the best validation so far.
///
/// Per-step randomness (word dropout, reparameterisation noise, dropout) comes from a generator
/// seeded by `(seed, step)`, so the step number *is* the random state: nothing else is saved.
public struct TrainingState: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    /// Batches of `epoch` already trained on; a resumed run skips exactly these.
    public var batchesConsumed: Int
    public var seed: UInt64
    public var tokensSeen: Int
    public var sentencesSeen: Int
    /// Wall time spent training before this checkpoint (resumed runs add to it).
    public var elapsedSeconds: Double
    public var bestValidationLoss: Double?
    public var bestStep: Int?
    /// The validation figures at this checkpoint, when it was taken right after a validation.
    public var validation: ValidationSummary?
    /// True when the run had finished all its epochs/steps at this checkpoint.
    public var finished: Bool
    /// The number of processes that trained (`mpirun -np N`); nil in checkpoints written before
    /// training across processes existed, which is 1. Every process reads the whole stream and
    /// the batch is the global batch, so `batchesConsumed` is every process's stream position.
    public var worldSize: Int?
    /// How many slices each global batch was cut into (processes × `batch_shards`), which with
    /// the step fixes every slice's rows and noise; nil in older checkpoints (`batch_shards`).
    public var slices: Int?
    /// Whether aggressive inference-network training is still on (nil when the run does not use
    /// it), the validation mutual information at the last epoch end it was checked, and the
    /// encoder-only updates made so far.
    public var aggressiveInference: Bool?
    public var aggressiveMutualInformation: Double?
    public var encoderUpdates: Int?
    /// Steps in the weight average (`training.weight_average`); when above 0, the checkpoint's
    /// model file holds the average and its training-weights file the weights training goes on from.
    public var averagedSteps: Int?

    public init(
        step: Int = 0, epoch: Int = 0, batchesConsumed: Int = 0, seed: UInt64, tokensSeen: Int = 0,
        sentencesSeen: Int = 0, elapsedSeconds: Double = 0, bestValidationLoss: Double? = nil,
        bestStep: Int? = nil, validation: ValidationSummary? = nil, finished: Bool = false
    ) {
        self.step = step
        self.epoch = epoch
        self.batchesConsumed = batchesConsumed
        self.seed = seed
        self.tokensSeen = tokensSeen
        self.sentencesSeen = sentencesSeen
        self.elapsedSeconds = elapsedSeconds
        self.bestValidationLoss = bestValidationLoss
        self.bestStep = bestStep
        self.validation = validation
        self.finished = finished
    }
}

