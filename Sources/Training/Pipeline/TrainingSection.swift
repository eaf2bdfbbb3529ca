import NeuralCore

public struct TrainingSection: Codable, Sendable, Equatable {
    public var epochs: Int?
    public var maxSteps: Int?
    /// Stop (with a final checkpoint) after this much wall time.
    public var maxMinutes: Double?
    public var optimizer: OptimizerSection?
    public var clipNorm: Float?
    public var klAnnealing: KLAnnealingSection?
    /// Per-dimension KL floor in nats (Kingma et al. 2016); 0 turns it off.
    public var freeBits: Float?
    public var validateEvery: Int?
    public var checkpointEvery: Int?
    public var keepLast: Int?
    public var logEvery: Int?
    public var seed: UInt64?
    /// Reconstructions and prior samples printed at each validation.
    public var samples: Int?
    /// Slices each batch is cut into, run concurrently on model replicas (data parallelism).
    public var batchShards: Int?
    /// An autoencoder phase first (β = 0), then the decoder re-initialised (Li et al. 2019).
    public var pretrain: PretrainSection?
    /// Rounds of encoder-only updates before each decoder update until the validation mutual
    /// information stops rising (He et al. 2019).
    public var aggressiveInference: AggressiveInferenceSection?
    /// The weights validated, checkpointed and used afterwards are the mean of the training
    /// weights over the last part of the budget.
    public var weightAverage: WeightAverageSection?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs, optimizer, seed, samples, pretrain
        case aggressiveInference = "aggressive_inference"
        case weightAverage = "weight_average"
        case maxSteps = "max_steps"
        case maxMinutes = "max_minutes"
        case clipNorm = "clip_norm"
        case klAnnealing = "kl_annealing"
        case freeBits = "free_bits"
        case validateEvery = "validate_every"
        case checkpointEvery = "checkpoint_every"
        case keepLast = "keep_last"
        case logEvery = "log_every"
        case batchShards = "batch_shards"
    }

    public struct OptimizerSection: Codable, Sendable, Equatable {
        public var name: OptimizerKind?
        public var learningRate: Float?
        public var momentum: Float?
        public var weightDecay: Float?
        /// The rate falls over the last part of the run's budget (`max_steps` or `max_minutes`).
        public var decay: DecaySection?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, momentum, decay
            case learningRate = "learning_rate"
            case weightDecay = "weight_decay"
        }
    }

    public struct DecaySection: Codable, Sendable, Equatable {
        /// `linear` (default) or `cosine`.
        public var shape: LearningRateDecay.Shape?
        /// The share of the budget (0 ..< 1) after which the rate falls (default 0).
        public var after: Double?
        /// The final rate as a share of `learning_rate` (default 0).
        public var to: Double?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case shape, after, to
        }
    }

    public struct WeightAverageSection: Codable, Sendable, Equatable {
        /// The share of the budget (0 ..< 1) after which every step's weights join the mean.
        public var after: Double
        public init(after: Double) { self.after = after }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case after
        }
    }

    public struct PretrainSection: Codable, Sendable, Equatable {
        /// Steps trained as an autoencoder (β = 0) before the KL term comes in.
        public var steps: Int
        /// Re-initialise the decoder (and its optimiser state) when the phase ends (default true).
        public var resetDecoder: Bool?
        public init(steps: Int) { self.steps = steps }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case steps
            case resetDecoder = "reset_decoder"
        }
    }

    public struct AggressiveInferenceSection: Codable, Sendable, Equatable {
        /// At most this many encoder updates before each decoder update (default 100).
        public var maxEncoderUpdates: Int?
        /// The encoder's round ends early when its mean loss over this many updates stopped
        /// falling (default 15).
        public var checkEvery: Int?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxEncoderUpdates = "max_encoder_updates"
            case checkEvery = "check_every"
        }
    }

    public struct KLAnnealingSection: Codable, Sendable, Equatable {
        public var schedule: KLScheduleKind
        public var beta: Float?
        /// β at step 0 of a linear schedule (texar starts at 0.1).
        public var start: Float?
        public var steps: Int?
        public var k: Float?
        public var x0: Int?
        public var period: Int?
        public var ratio: Float?
        public var cycles: Int?
        public init(schedule: KLScheduleKind) { self.schedule = schedule }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case schedule, beta, start, steps, k, x0, period, ratio, cycles
        }
    }
}
