import Models
import NeuralCore

extension ResolvedPipeline {
    /// While on, each step first trains the encoder alone on the stream's next batches — up to
    /// `maxEncoderUpdates`, ending early once its mean loss over `checkEvery` updates stops
    /// falling — then the rest of the model on the step's first batch. It switches off for good
    /// at the first epoch end whose validation mutual information is below the previous one.
    public struct AggressiveInference: Sendable, Equatable {
        public var maxEncoderUpdates: Int
        public var checkEvery: Int
    }

    /// The schedule of a run (`training`): optimiser, KL annealing, limits, checkpoints, seed.
    public struct TrainingSettings: Sendable, Equatable {
        public var epochs: Int
        public var maxSteps: Int?
        public var maxMinutes: Double?
        public var optimizer: OptimizerKind
        public var learningRate: Float
        public var momentum: Float
        public var weightDecay: Float
        public var clipNorm: Float
        public var annealing: KLAnnealing
        public var freeBits: Float
        public var validateEvery: Int
        public var checkpointEvery: Int
        public var keepLast: Int
        public var logEvery: Int
        public var seed: UInt64
        public var samples: Int
        /// Slices per batch, each run on its own model replica and thread (see
        /// `DataParallel`). Part of the recipe, not of the machine: results depend on
        /// it, never on the number of cores.
        public var batchShards: Int
        /// Steps trained as an autoencoder (β = 0) first; the KL schedule starts after them.
        public var pretrainSteps: Int = 0
        /// Re-initialise the decoder when the autoencoder phase ends.
        public var resetDecoder: Bool = false
        /// Aggressive inference-network training (He et al. 2019), or nil.
        public var aggressiveInference: AggressiveInference?
        /// How `learningRate` falls over the budget (`max_steps`, `max_minutes`), or nil to hold it.
        public var learningRateDecay: LearningRateDecay?
        /// The share of the budget after which the weights are averaged (see ``WeightAverage``),
        /// or nil to use the training weights as they are.
        public var weightAverageAfter: Double?

        /// Whether the step that has just made `step` steps, after `elapsedSeconds` of training,
        /// adds its weights to the average.
        public func averagesWeights(afterSteps step: Int, elapsedSeconds: Double) -> Bool {
            guard let weightAverageAfter else { return false }
            return budgetProgress(step: step, elapsedSeconds: elapsedSeconds) > weightAverageAfter
        }

        /// How far through its budget a run is after `step` steps and `elapsedSeconds` of training:
        /// the larger of its shares of `maxSteps` and `maxMinutes` (0 with neither).
        public func budgetProgress(step: Int, elapsedSeconds: Double) -> Double {
            var progress = 0.0
            if let maxSteps { progress = max(progress, Double(step) / Double(maxSteps)) }
            if let maxMinutes { progress = max(progress, elapsedSeconds / (maxMinutes * 60)) }
            return progress
        }

        /// The learning rate of the step that follows `step` steps and `elapsedSeconds` of training.
        public func learningRate(afterSteps step: Int, elapsedSeconds: Double) -> Float {
            guard let learningRateDecay else { return learningRate }
            let factor = learningRateDecay.factor(
                atProgress: budgetProgress(step: step, elapsedSeconds: elapsedSeconds))
            return Float(Double(learningRate) * factor)
        }

        /// How the rate falls, for the run's header: ", falling linearly to 5% of it after 50% of the
        /// budget" (empty without decay).
        var decayDescription: String {
            guard let decay = learningRateDecay else { return "" }
            func percent(_ share: Double) -> String { String(format: "%g%%", share * 100) }
            let when = decay.after > 0 ? " after \(percent(decay.after)) of the budget" : " over the budget"
            return ", falling \(decay.shape == .linear ? "linearly" : "along a cosine") to "
                + "\(percent(decay.final)) of it\(when)"
        }

        /// β at `step`: 0 during the autoencoder phase, then the schedule from its start.
        public func beta(at step: Int) -> Float {
            step < pretrainSteps ? 0 : annealing.beta(at: step - pretrainSteps)
        }

        init(_ section: TrainingSection, for kind: ModelKind, checks: PipelineChecks) throws(PipelineError) {
            let optimizerSection = section.optimizer ?? .init()
            epochs = section.epochs ?? 10
            maxSteps = section.maxSteps
            maxMinutes = section.maxMinutes
            optimizer = optimizerSection.name ?? .adam
            learningRate = optimizerSection.learningRate ?? (optimizer == .adam ? 1e-3 : 0.1)
            momentum = optimizerSection.momentum ?? 0
            weightDecay = optimizerSection.weightDecay ?? 0
            clipNorm = section.clipNorm ?? 5
            if let decay = optimizerSection.decay {
                learningRateDecay = LearningRateDecay(
                    shape: decay.shape ?? .linear, after: decay.after ?? 0, final: decay.to ?? 0)
            }
            if let a = section.klAnnealing {
                switch a.schedule {
                case .constant: annealing = .constant(a.beta ?? 1)
                case .linear: annealing = .linear(steps: a.steps ?? 10_000, from: a.start ?? 0)
                case .logistic: annealing = .logistic(k: a.k ?? 0.0025, x0: a.x0 ?? 2_500)
                case .cyclical:
                    annealing = .cyclical(period: a.period ?? 10_000, ratio: a.ratio ?? 0.5, cycles: a.cycles)
                }
            } else {
                // The VRNN's reference trains with β = 1 from the start; the language model has no KL.
                annealing = kind == .vrnn || kind == .languageModel ? .constant(1) : .logistic(k: 0.0025, x0: 2_500)
            }
            freeBits = section.freeBits ?? 0
            validateEvery = section.validateEvery ?? 1_000
            checkpointEvery = section.checkpointEvery ?? 1_000
            keepLast = section.keepLast ?? 3
            logEvery = section.logEvery ?? 50
            seed = section.seed ?? 1
            samples = section.samples ?? 5
            batchShards = section.batchShards ?? 2
            if let pretrain = section.pretrain {
                pretrainSteps = pretrain.steps
                resetDecoder = pretrain.resetDecoder ?? true
            }
            weightAverageAfter = section.weightAverage?.after
            if let aggressive = section.aggressiveInference {
                aggressiveInference = AggressiveInference(
                    maxEncoderUpdates: aggressive.maxEncoderUpdates ?? 100,
                    checkEvery: aggressive.checkEvery ?? 15)
            }
            try validate(section, for: kind, checks: checks)
        }

        private func validate(
            _ section: TrainingSection, for kind: ModelKind,
            checks: PipelineChecks
        ) throws(PipelineError) {
            if case .linear(_, let start, _) = annealing, !(0...1).contains(start) {
                throw checks.invalid("training.kl_annealing.start", "must be between 0 and 1")
            }
            if kind == .languageModel, section.klAnnealing != nil {
                throw checks.invalid(
                    "training.kl_annealing",
                    "does not apply to the LSTM language model, "
                        + "which has no KL term; remove it")
            }
            if kind == .languageModel || kind == .vrnn, let bits = section.freeBits, bits != 0 {
                let latent = kind == .vrnn ? "a latent per step with a learned prior" : "no latent"
                throw checks.invalid(
                    "training.free_bits",
                    "applies to models with one latent per sequence; the \(kind.displayName) has \(latent)")
            }
            if section.pretrain != nil {
                guard kind != .vrnn && kind != .languageModel else {
                    throw checks.invalid(
                        "training.pretrain",
                        "applies to models with one latent per sequence; "
                            + "the \(kind.displayName) has no encoder to pretrain as an autoencoder")
                }
                try checks.bound("training.pretrain.steps", pretrainSteps, 1...100_000_000)
            }
            if let aggressiveInference {
                guard kind != .vrnn && kind != .languageModel else {
                    let has = kind == .vrnn ? "a latent per step" : "no encoder"
                    throw checks.invalid(
                        "training.aggressive_inference",
                        "applies to models with one latent per "
                            + "sequence; the \(kind.displayName) has \(has)")
                }
                try checks.bound(
                    "training.aggressive_inference.max_encoder_updates",
                    aggressiveInference.maxEncoderUpdates, 1...100_000)
                try checks.bound(
                    "training.aggressive_inference.check_every", aggressiveInference.checkEvery, 1...100_000)
            }
            if epochs < 1 { throw checks.invalid("training.epochs", "must be at least 1") }
            if let maxSteps, maxSteps < 1 { throw checks.invalid("training.max_steps", "must be at least 1") }
            if let maxMinutes, maxMinutes <= 0 { throw checks.invalid("training.max_minutes", "must be positive") }
            if !(learningRate > 0 && learningRate <= Limits.learningRate) {
                throw checks.invalid(
                    "training.optimizer.learning_rate",
                    "must be positive and at most "
                        + "\(Limits.learningRate); \(learningRate) was given")
            }
            /// A setting that follows the budget needs one, and its start as a share of it.
            func checkBudgetShare(_ key: String, _ does: String, after: Double) throws(PipelineError) {
                guard maxSteps != nil || maxMinutes != nil else {
                    throw checks.invalid(
                        key,
                        "\(does) over the run's budget, which needs training.max_steps or training.max_minutes "
                            + "(a streamed corpus's epochs have no length known in advance)")
                }
                if !(0..<1).contains(after) {
                    throw checks.invalid(key + ".after", "must be at least 0 and below 1; \(after) was given")
                }
            }
            if let decay = learningRateDecay {
                try checkBudgetShare("training.optimizer.decay", "falls", after: decay.after)
                if !(0...1).contains(decay.final) {
                    throw checks.invalid(
                        "training.optimizer.decay.to", "must be between 0 and 1 (a share of learning_rate); "
                            + "\(decay.final) was given")
                }
            }
            if let after = weightAverageAfter {
                try checkBudgetShare("training.weight_average", "averages the weights", after: after)
            }
            if !(clipNorm >= 0 && clipNorm.isFinite) {
                throw checks.invalid("training.clip_norm", "must be 0 (off) or a positive number")
            }
            try checks.bound("training.samples", samples, 0...Limits.samples)
            try checks.bound("training.keep_last", keepLast, 0...Limits.keepLast)
            if freeBits < 0 { throw checks.invalid("training.free_bits", "must be 0 (off) or positive") }
            if !(1...64).contains(batchShards) {
                throw checks.invalid("training.batch_shards", "must be between 1 and 64")
            }
            let intervals = [
                ("training.validate_every", validateEvery), ("training.checkpoint_every", checkpointEvery),
                ("training.log_every", logEvery)
            ]
            for (key, value) in intervals where value < 1 {
                throw checks.invalid(key, "must be at least 1")
            }
        }
    }
}
