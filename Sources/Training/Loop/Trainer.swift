import Batching
import Foundation
import Models
import NeuralCore
import Support
import TokenShards
import Tokenization

/// The training loop of every model (``TextModel``): streams each epoch's batches, steps the
/// optimiser, validates, checkpoints and writes metrics; resumes exactly from any checkpoint.
/// What only some models have (a sentence latent: reconstructions, interpolation, the latent
/// picture; a word list: novelty) is asked of the model, never assumed.
///
/// Per-step randomness comes from a generator seeded by `(seed, step)`, and each epoch's batch
/// order is fixed by `(shuffle seed, epoch)`: a checkpoint's step and batch count are the whole
/// random state, so a resumed run sees the same batches and draws the same noise as an
/// uninterrupted one.
public final class Trainer {
    public let pipeline: ResolvedPipeline
    public let runDirectory: URL
    public let model: any TextModel
    public let configuration: ModelConfiguration
    /// Runs each step's batch as `training.batch_shards` slices on replicas of `model` (and, under
    /// `mpirun`, the other processes' slices on theirs).
    private let parallel: any BatchTrainer
    /// The processes training together (nil: this one alone). Only rank 0 validates and writes.
    public let group: (any ProcessGroup)?
    /// Whether this process writes the run's files and reports progress (rank 0, or the only one).
    public var isLeader: Bool { (group?.rank ?? 0) == 0 }
    /// What communication between the processes has cost so far (zero for one process).
    public var communication: CommunicationStatistics { parallel.communication }
    public let vocabulary: Vocabulary
    public private(set) var state: TrainingState
    private var optimizer: TrainingOptimizer
    private let trainStream: BatchStream
    private let trainSplit: DataSplit
    private let validationStream: BatchStream?
    private let validationSplit: DataSplit
    private let store: CheckpointStore
    /// Rank 0's metrics log (nil on the other ranks).
    private let metrics: MetricsLog?
    private let events: (TrainerEvent) -> Void
    private let parameters: [NamedParameter]
    /// The mean of the training weights (`training.weight_average`), or nil.
    private var weightAverage: WeightAverage?
    private var lastCheckpoint: CheckpointStore.Checkpoint?
    private var lastValidation: (step: Int, summary: ValidationSummary)?
    /// The first validation sentences of the last validation (for the summary's pictures).
    private var lastValidationSentences: (requested: Int, sentences: [[Int32]]) = (0, [])
    /// Validation sentences behind the summary's latent PCA and reconstructions.
    static let summarySentences = 500

    /// - Parameters:
    ///   - resume: a checkpoint to continue from (weights and optimiser are loaded from it).
    ///   - group: the processes of an `mpirun` job; each trains its slices of every global batch,
    ///     and only rank 0 validates, writes files and reports.
    public init(
        pipeline: ResolvedPipeline, runDirectory: URL, model: any TextModel, configuration: ModelConfiguration,
        vocabulary: Vocabulary,
        source: SequenceSource, validationSource: SequenceSource?, resume: CheckpointStore.Checkpoint?,
        group: (any ProcessGroup)? = nil, events: @escaping (TrainerEvent) -> Void
    ) throws {
        self.pipeline = pipeline
        self.runDirectory = runDirectory
        self.model = model
        self.configuration = configuration
        self.vocabulary = vocabulary
        self.events = events
        parameters = model.namedParameters
        self.group = group.flatMap { $0.size > 1 ? $0 : nil }
        parallel = makeBatchTrainer(model, shards: pipeline.training.batchShards, group: self.group)
        let isLeader = (self.group?.rank ?? 0) == 0
        store = CheckpointStore(runDirectory: runDirectory)
        optimizer = TrainingOptimizer(pipeline.training)
        trainStream = try BatchStream(source: source, options: pipeline.batching)
        trainSplit = validationSource == nil && pipeline.batching.validationFraction > 0 ? .train : .all
        // Validation reads in stream order (no shuffle), so every validation scores the same sentences.
        var validationOptions = pipeline.batching
        validationOptions.shuffleBuffer = 0
        validationOptions.dropRemainder = false
        if let validationSource {
            validationOptions.validationFraction = 0
            validationStream = try BatchStream(source: validationSource, options: validationOptions)
            validationSplit = .all
        } else if pipeline.batching.validationFraction > 0 {
            validationStream = try BatchStream(source: source, options: validationOptions)
            validationSplit = .validation
        } else {
            validationStream = nil
            validationSplit = .all
        }
        if let resume {
            if !(try SafeTensors.loadVerifying(into: parameters, from: resume.modelURL).verified) {
                events(
                    .note(
                        "Note: \(resume.modelURL.path) was written without checksums (by an older vae-pipeline), so "
                            + "damage to it cannot be detected; its weights were checked to be finite. Checkpoints "
                                + "from now on carry checksums."
                    ))
            }
            try optimizer.load(from: resume.optimizerURL, parameters: parameters)
            if let averaged = resume.state.averagedSteps, averaged > 0 {
                // The model file held the average; training goes on from the training weights.
                weightAverage = WeightAverage(of: parameters, steps: averaged)
                _ = try SafeTensors.loadVerifying(into: parameters, from: resume.trainingWeightsURL)
            }
            state = resume.state
            state.finished = false
            lastCheckpoint = resume
            metrics = isLeader ? try MetricsLog(runDirectory: runDirectory, truncatingAfter: resume.state.step) : nil
            let (before, now) = (resume.state.worldSize ?? 1, self.group?.size ?? 1)
            if before != now {
                // Every process reads the same global batches whatever their number, so the data goes
                // on in the same order; RunSetup.resume keeps the number of slices when it can.
                let slices = resume.state.slices ?? before * pipeline.training.batchShards
                let shards = pipeline.training.batchShards
                let written =
                    "The checkpoint was written by \(before) process\(before == 1 ? "" : "es") and this run has "
                        + "\(now): training continues with the same global batches in the same order (batch "
                            + "\(resume.state.batchesConsumed) of epoch \(resume.state.epoch + 1))"
                if slices == now * shards {
                    events(
                        .note(
                            written
                                + ", each cut into the same \(slices) slices (\(now) × \(shards) now), so the run "
                                    + "goes on as it would have with \(before)."
                        ))
                } else {
                    events(
                        .note(
                            written
                                + ", cut into \(now) × \(shards) slices instead of \(slices) (which do not divide "
                                    + "among \(now)), so from here the noise and rounding differ from a run that kept "
                                        + "\(before)."
                        ))
                }
            }
        } else {
            state = TrainingState(seed: pipeline.training.seed)
            metrics = isLeader ? try MetricsLog(runDirectory: runDirectory) : nil
        }
        if pipeline.training.aggressiveInference != nil {
            guard validationStream != nil else {
                throw TrainingError.noValidationData(
                    "training.aggressive_inference needs it to decide when to stop (the validation mutual "
                        + "information); give data.validation or data.validation_fraction"
                )
            }
            if state.aggressiveInference == nil { state.aggressiveInference = true }
        }
        if pipeline.training.weightAverageAfter == nil {
            weightAverage = nil
        } else if weightAverage == nil {
            weightAverage = WeightAverage(of: parameters)
        }
        state.averagedSteps = weightAverage?.steps
        state.worldSize = self.group?.size ?? 1
        state.slices = (self.group?.size ?? 1) * pipeline.training.batchShards
        if isLeader { store.removePartials() }
        if let group = self.group {
            // The same settings, vocabulary, model and starting point everywhere, or nothing.
            let settings = pipeline.summaryTable.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let description =
                settings + [
                    vocabulary.hash, String(describing: configuration),
                    "\(state.step) \(state.epoch) \(state.batchesConsumed)"
                ]
            let fingerprint = description.joined(separator: "\n").utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) {
                ($0 ^ UInt64($1)) &* 0x100_0000_01B3
            }
            guard group.agree(on: fingerprint) else {
                throw TrainingError.mpi(
                    "the \(group.size) processes do not share the same settings, vocabulary, model or checkpoint "
                        + "(give every rank the same command and files)"
                )
            }
            guard parallel.weightsAgree() else {
                throw TrainingError.mpi("the \(group.size) processes start from different weights")
            }
        }
    }

    /// Why training stopped.
    public enum StopReason: String, Sendable {
        case epochs = "all epochs done"
        case maxSteps = "step limit reached"
        case timeLimit = "time limit reached"
    }

    static func stepGenerator(seed: UInt64, step: Int) -> RandomGenerator {
        RandomGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The noise of encoder-only update `update` of step `step`'s aggressive round.
    static func encoderUpdateGenerator(seed: UInt64, step: Int, update: Int) -> RandomGenerator {
        var base = stepGenerator(seed: seed ^ 0xA66E_5517_E000_0000, step: step)
        for _ in 0..<update { _ = base.split() }
        return base.split()
    }

    /// Trains until the epochs, step limit or time limit run out; writes the final checkpoint,
    /// summary and report. Throws `TrainingError.diverged` when the loss, gradient norm or weights
    /// blow up (see `DivergenceMonitor`), keeping only the checkpoints written before.
    public func run() async throws -> StopReason {
        let settings = pipeline.training
        let sessionStart = ContinuousClock.now
        let priorSeconds = state.elapsedSeconds
        func elapsed() -> Double { priorSeconds + (ContinuousClock.now - sessionStart).timeInSeconds }
        if let maxSteps = settings.maxSteps, state.step >= maxSteps { return .maxSteps }
        sessionStartStep = state.step
        sessionStartEpoch = state.epoch
        var monitor = DivergenceMonitor(initialWeightNorm: DivergenceMonitor.weightNorm(parameters))

        var window = Window()
        var windowStart = ContinuousClock.now
        var windowCommunication = parallel.communication
        var stopReason = StopReason.epochs
        var batchesPerEpoch: Int? = nil
        var bytesFraction: Double? = nil
        let latentModel = model as? any LatentTextModel
        let encoderParameters = parameters.filter { p in
            latentModel?.encoderParameterPrefixes.contains { p.name.hasPrefix($0) } ?? false
        }
        let generativeParameters = parameters.filter { p in !encoderParameters.contains { $0.name == p.name } }
        var round: AggressiveInferenceRound? = nil
        // Training time as of the last step's end, the same on every process (see `leaderClock`).
        var clock = priorSeconds

        /// Zeroes, accumulates the batch's gradients, clips, and updates `subset`. Across processes
        /// each updates its share of the parameters and receives the others' (`BatchTrainer`).
        func optimizerStep(
            _ batch: TokenBatch, beta: Float, updating subset: [NamedParameter], rng: inout RandomGenerator
        ) throws -> (StepMetrics, Float) {
            model.zeroGradients()
            let step = parallel.gradientStep(
                batch, objective: ObjectiveSettings(beta: beta, freeBits: settings.freeBits), rng: &rng)
            let norm = parallel.clipGradients(maxNorm: settings.clipNorm)
            do {
                // Every process judges the same loss and norm, so all stop here together or none.
                try monitor.check(
                    loss: Double(step.loss),
                    lossPerToken: Double(step.loss) * Double(step.sentences) / Double(max(1, step.tokens)),
                    gradientNorm: Double(norm))
                parallel.update { optimizer.update(subset, regions: $0) }
                try monitor.check(weightNorm: DivergenceMonitor.weightNorm(parameters))
            } catch {
                throw diverged(error, step: state.step + 1)
            }
            return (step, norm)
        }

        epochs: while state.epoch < settings.epochs {
            let skipping = state.batchesConsumed
            let batches = trainStream.batches(epoch: state.epoch, split: trainSplit, skippingBatches: skipping)
            var iterator = batches.makeAsyncIterator()
            var sawBatch = false
            var epochSentences = 0
            while let batch = try await iterator.next() {
                sawBatch = true
                var tokenBatch = TokenBatch(batch)
                if settings.resetDecoder, settings.pretrainSteps > 0, state.step == settings.pretrainSteps {
                    resetDecoder()
                }
                let beta = settings.beta(at: state.step)
                if settings.learningRateDecay != nil {
                    optimizer.learningRate = settings.learningRate(afterSteps: state.step, elapsedSeconds: clock)
                }
                var updatedParameters = parameters
                if state.aggressiveInference == true, let aggressive = settings.aggressiveInference {
                    // The encoder alone learns from this batch; the step's own update waits for the
                    // round's end and then trains the rest of the model on the round's first batch.
                    var current = round ?? AggressiveInferenceRound(firstBatch: tokenBatch, settings: aggressive)
                    var rng = Self.encoderUpdateGenerator(seed: state.seed, step: state.step, update: current.updates)
                    let (update, _) = try optimizerStep(tokenBatch, beta: beta, updating: encoderParameters, rng: &rng)
                    state.batchesConsumed += 1
                    state.encoderUpdates = (state.encoderUpdates ?? 0) + 1
                    state.tokensSeen += update.tokens
                    state.sentencesSeen += update.sentences
                    window.tokens += update.tokens
                    epochSentences += tokenBatch.batchSize
                    guard current.recordEncoderUpdate(update) else {
                        round = current
                        continue
                    }
                    round = nil
                    tokenBatch = current.firstBatch
                    updatedParameters = generativeParameters
                } else {
                    state.batchesConsumed += 1
                    epochSentences += tokenBatch.batchSize
                }
                var rng = Self.stepGenerator(seed: state.seed, step: state.step)
                let (step, norm) = try optimizerStep(tokenBatch, beta: beta, updating: updatedParameters, rng: &rng)
                state.step += 1
                if let weightAverage, settings.averagesWeights(afterSteps: state.step, elapsedSeconds: clock) {
                    weightAverage.absorb()
                    state.averagedSteps = weightAverage.steps
                }
                state.tokensSeen += step.tokens
                state.sentencesSeen += step.sentences
                window.add(step, beta: beta, norm: norm)

                let report = iterator.report
                // The reader runs ahead of training by the shuffle buffer and the chunks in flight,
                // so bytes read overstate progress: estimate the epoch's sentences from the share
                // of bytes read, and compare the sentences trained on with that.
                if let read = report.fraction, read > 0, report.sequencesKept > 0 {
                    let estimatedTotal = Double(report.sequencesKept) / read
                    bytesFraction = min(
                        1, Double(epochSentences + report.skippedBatches * pipeline.batching.batchSize) / estimatedTotal
                    )
                }
                if state.step % settings.logEvery == 0 || state.step == 1 {
                    let seconds = max(1e-9, (ContinuousClock.now - windowStart).timeInSeconds)
                    let tokensPerSecond = Double(window.tokens) / seconds
                    var record = MetricsRecord(
                        kind: .train, step: state.step, epoch: state.epoch, seconds: elapsed(),
                        loss: window.mean(\.loss),
                        reconstruction: window.mean(\.reconstruction), kl: window.mean(\.kl), beta: Double(beta),
                        tokensPerSecond: tokensPerSecond, gradientNorm: window.meanNorm,
                        learningRate: Double(optimizer.learningRate))
                    let communication = parallel.communication
                    if group != nil, communication.steps > windowCommunication.steps {
                        let steps = Double(communication.steps - windowCommunication.steps)
                        record.allreduceSeconds = (communication.seconds - windowCommunication.seconds) / steps
                        record.allreduceBytes = Int(
                            (Double(communication.bytes - windowCommunication.bytes) / steps).rounded())
                        record.allreduceWaitingSeconds =
                            (communication.waitingSeconds - windowCommunication.waitingSeconds) / steps
                    }
                    windowCommunication = communication
                    try metrics?.append(record)
                    let fraction =
                        batchesPerEpoch.map { min(1, Double(state.batchesConsumed) / Double(max(1, $0))) }
                        ?? bytesFraction
                    events(
                        .progress(
                            TrainingProgress(
                                epoch: state.epoch, epochs: settings.epochs, step: state.step,
                                maxSteps: settings.maxSteps,
                                tokensPerSecond: tokensPerSecond, loss: window.mean(\.loss),
                                reconstruction: window.mean(\.reconstruction),
                                kl: window.mean(\.kl), beta: Double(beta), epochFraction: fraction,
                                etaSeconds: eta(
                                    fraction: fraction, elapsed: elapsed(),
                                    sessionSeconds: (ContinuousClock.now - sessionStart).timeInSeconds))))
                    window = Window()
                    windowStart = ContinuousClock.now
                }
                // Rank 0 may save the optimiser's state at a validation (a new best) or a checkpoint.
                if state.step % settings.checkpointEvery == 0
                    || (state.step % settings.validateEvery == 0 && validationStream != nil)
                {
                    gatherOptimizerState()
                }
                // Validation has no collective call, so the other ranks go on to the next step's
                // reduction and wait there for rank 0.
                if state.step % settings.validateEvery == 0, validationStream != nil, isLeader {
                    try await validateAndKeepBest(elapsed: elapsed())
                }
                if state.step % settings.checkpointEvery == 0 {
                    try checkWeightsAgree()
                    if isLeader, lastCheckpoint?.state.step != state.step { try writeCheckpoint(elapsed: elapsed()) }
                }
                if let maxSteps = settings.maxSteps, state.step >= maxSteps { stopReason = .maxSteps; break epochs }
                if let minutes = settings.maxMinutes {
                    clock = leaderClock(elapsed())
                    if clock >= minutes * 60 { stopReason = .timeLimit; break epochs }
                }
            }
            if !sawBatch && skipping == 0 {
                throw TrainingError.noTrainingData(
                    "epoch \(state.epoch + 1) produced no batch (every record was empty, too long with over_length: "
                        + "drop, or held out for validation)"
                )
            }
            events(.epochFinished(epoch: state.epoch, report: iterator.report))
            // A round the epoch's end cut short has no decoder update; its encoder updates stay.
            round = nil
            if state.aggressiveInference == true { try await checkAggressiveInference() }
            if skipping == 0 { batchesPerEpoch = state.batchesConsumed }
            state.epoch += 1
            state.batchesConsumed = 0
        }
        state.finished = stopReason == .epochs || stopReason == .maxSteps
        gatherOptimizerState()
        try checkWeightsAgree()
        guard isLeader else { return stopReason }
        if validationStream != nil && lastValidation?.step != state.step {
            try await validateAndKeepBest(elapsed: elapsed(), collecting: Self.summarySentences)
        }
        if lastCheckpoint?.state.step != state.step || lastCheckpoint?.state.finished != state.finished {
            try writeCheckpoint(elapsed: elapsed())
        }
        try await writeSummary(stopReason: stopReason, elapsed: elapsed())
        return stopReason
    }

    /// At an epoch's end: aggressive inference-network training stops for good once the
    /// validation mutual information is lower than at the previous epoch's end (rank 0 measures
    /// it; every process takes its figure).
    private func checkAggressiveInference() async throws {
        var information = -Double.infinity
        if isLeader { information = try await validate().0.mutualInformation ?? 0 }
        if let group { information = group.allreduce([information], .max)[0] }
        if let previous = state.aggressiveMutualInformation, information < previous {
            state.aggressiveInference = false
            events(
                .note(
                    "Step \(state.step): aggressive inference-network training ends after "
                        + "\(state.encoderUpdates ?? 0) encoder-only updates: the validation mutual information fell "
                            + "from \(String(format: "%.3f", previous)) to \(String(format: "%.3f", information)) "
                                + "nats; from here every step updates the whole model."
                ))
        }
        state.aggressiveMutualInformation = information
    }

    /// Brings the optimiser state's shares together (processes update and keep current only
    /// their share of it; see `BatchTrainer.update`), so that rank 0 saves it whole. A collective
    /// call, made by every process at the same steps; nothing to do for one process.
    private func gatherOptimizerState() {
        guard group != nil else { return }
        let optimizer = self.optimizer
        parallel.gatherOptimizerState { optimizer.elementState(of: $0) }
    }

    /// Throws when the processes' weights have parted (they are never sent, only kept equal by
    /// identical steps; a fingerprint is compared at every checkpoint and at the end).
    private func checkWeightsAgree() throws {
        guard let group, !parallel.weightsAgree() else { return }
        throw TrainingError.mpi(
            "after step \(state.step) the weights differ between the \(group.size) processes; the reduction did not "
                + "give every process the same sum"
        )
    }

    /// Rank 0's clock decides for every process (they must stop at the same step).
    /// Rank 0's training time, which every process takes for the time limit and a decaying
    /// learning rate, so all stop at the same step and update with the same rate.
    private func leaderClock(_ here: Double) -> Double {
        guard let group else { return here }
        return group.allreduce([isLeader ? here : 0], .max)[0]
    }

    /// The error for a diverged step, after removing the checkpoints it puts in doubt: the
    /// weights of the step before produced the bad loss or gradient, so a checkpoint of them is
    /// not good either. What is left is the last good checkpoint.
    private func diverged(_ divergence: DivergenceMonitor.Divergence, step: Int) -> TrainingError {
        let doubtful =
            divergence.quantity == "weight norm" || divergence.quantity.hasPrefix("validation") ? step : step - 1
        guard isLeader else {
            return .diverged(
                step: step, quantity: divergence.quantity, value: divergence.value, level: divergence.level,
                factor: divergence.factor, levelName: divergence.levelName, lastCheckpoint: nil)
        }
        for checkpoint in (try? store.stepCheckpoints()) ?? [] where checkpoint.state.step >= doubtful {
            try? FileManager.default.removeItem(at: checkpoint.url)
        }
        if let best = try? store.best(), best.state.step >= doubtful {
            try? FileManager.default.removeItem(at: best.url)
        }
        let kept = (try? store.latest())?.url.path
        return .diverged(
            step: step, quantity: divergence.quantity, value: divergence.value, level: divergence.level,
            factor: divergence.factor, levelName: divergence.levelName, lastCheckpoint: kept)
    }

    /// The end of the autoencoder phase (Li et al. 2019): the decoder's weights are drawn afresh
    /// (from the run's seed, so a resumed run draws the same) and their optimiser state is
    /// forgotten, so the KL-regularised phase starts with an encoder that has learnt to encode
    /// and a decoder that has not yet learnt to ignore it.
    private func resetDecoder() {
        guard let latentModel = model as? any LatentTextModel else { return }
        var rng = RandomGenerator(seed: state.seed ^ 0xDEC0_DE5E)
        let fresh = configuration.makeModel(rng: &rng)
        var names = Set<String>()
        for (mine, new) in zip(parameters, fresh.namedParameters)
        where latentModel.decoderParameterPrefixes.contains(where: { mine.name.hasPrefix($0) }) {
            mine.parameter.value.data.update(from: new.parameter.value.data, count: mine.parameter.value.count)
            names.insert(mine.name)
        }
        optimizer.resetState(for: names)
        if let weightAverage, weightAverage.steps > 0 {
            // A mean over the old decoder and the new one is neither: the average starts again.
            self.weightAverage = WeightAverage(of: parameters)
            state.averagedSteps = 0
        }
        events(
            .note(
                "Step \(state.step): the autoencoder phase is over; the decoder (\(names.count) tensors) starts "
                    + "afresh and the KL term comes in."
            ))
    }

    /// Remaining time: the nearest of the time limit, the step limit at this session's step
    /// rate, and the remaining epochs at this session's rate through the data.
    private func eta(fraction: Double?, elapsed: Double, sessionSeconds: Double) -> Double? {
        let settings = pipeline.training
        var candidates: [Double] = []
        if let minutes = settings.maxMinutes { candidates.append(max(0, minutes * 60 - elapsed)) }
        let sessionSteps = state.step - sessionStartStep
        if let maxSteps = settings.maxSteps, sessionSteps > 0, sessionSeconds > 0 {
            candidates.append(Double(maxSteps - state.step) * sessionSeconds / Double(sessionSteps))
        }
        if let fraction, fraction > 0.01, sessionSeconds > 0 {
            let epochsDone = fraction + Double(state.epoch - sessionStartEpoch)
            let remaining = (1 - fraction) + Double(settings.epochs - state.epoch - 1)
            candidates.append(remaining * sessionSeconds / max(1e-6, epochsDone))
        }
        return candidates.min()
    }

    private var sessionStartStep = 0
    private var sessionStartEpoch = 0

    // MARK: - Validation

    /// Scores the validation sentences, logs the figures, prints a few reconstructions and prior
    /// samples, and keeps a `best` checkpoint when the negative ELBO improved.
    private func validateAndKeepBest(elapsed: Double, collecting: Int = 0) async throws {
        let (summary, firstSequences) = try await withModelWeights { try await validate(collectingMeans: collecting) }
        // Weights that score NaN or infinity on held-out sentences have diverged even when the
        // training steps looked finite; nothing of them may be written.
        for (quantity, value) in [
            ("validation loss", summary.loss), ("validation perplexity", summary.perplexity),
            ("validation mutual information", summary.mutualInformation ?? 0)
        ] where !value.isFinite {
            throw diverged(DivergenceMonitor.Divergence(quantity: quantity, value: value, level: nil), step: state.step)
        }
        lastValidation = (state.step, summary)
        lastValidationSentences = (collecting, firstSequences)
        try metrics?.append(
            MetricsRecord(
                kind: .validation, step: state.step, epoch: state.epoch, seconds: elapsed, loss: summary.loss,
                reconstruction: summary.reconstruction, kl: summary.kl, perplexity: summary.perplexity,
                activeUnits: summary.activeUnits, mutualInformation: summary.mutualInformation))
        var rng = RandomGenerator(seed: state.seed ^ 0x5EED_5A3D)
        let count = pipeline.training.samples
        let (reconstructions, samples) = withModelWeights {
            (reconstruct(Array(firstSequences.prefix(count)), rng: &rng), samplePrior(count: count, rng: &rng))
        }
        events(.validation(step: state.step, summary: summary, reconstructions: reconstructions, samples: samples))
        if summary.loss.isFinite && summary.loss < (state.bestValidationLoss ?? .infinity) {
            state.bestValidationLoss = summary.loss
            state.bestStep = state.step
            state.validation = summary
            let checkpoint =
                lastCheckpoint?.state.step == state.step
                ? lastCheckpoint! : try writeCheckpoint(elapsed: elapsed, announce: false)
            try store.promoteToBest(checkpoint)
            events(.checkpoint(path: store.directory.appendingPathComponent(CheckpointStore.bestName).path, best: true))
        }
    }

    /// The validation figures, and the first validation sentences (for reconstructions).
    func validate(collectingMeans: Int = 0) async throws -> (ValidationSummary, [[Int32]]) {
        guard let validationStream else {
            throw TrainingError.noValidationData("no validation split or files are configured")
        }
        let limit = pipeline.source.validationMaxSentences
        var rng = RandomGenerator(seed: state.seed ^ 0x7A11_DA7E)
        var sentences = 0, tokens = 0
        var reconstruction = 0.0, kl = 0.0, mutualInformation = 0.0
        let latent = configuration.sequenceLatent
        var activeUnits = ActiveUnitsAccumulator(latent: latent ?? 1)
        var first: [[Int32]] = []
        for try await batch in validationStream.batches(epoch: 0, split: validationSplit) {
            var tokenBatch = TokenBatch(batch)
            if sentences + tokenBatch.batchSize > limit {
                let keep = limit - sentences
                tokenBatch = TokenBatch(sentences: (0..<keep).map { tokenBatch.sentence($0) })
            }
            let result = parallel.evaluate(tokenBatch, rng: &rng)
            reconstruction += result.perSentenceReconstruction.reduce(0, +)
            kl += result.perSentenceKL.reduce(0, +)
            tokens += result.tokens
            if let means = result.means, let logVariances = result.logVariances {
                activeUnits.add(means: means)
                mutualInformation +=
                    MutualInformation.estimate(means: means, logVariances: logVariances, rng: &rng)
                    * Double(tokenBatch.batchSize)
            }
            if first.count < max(collectingMeans, 16) {
                for row in 0..<tokenBatch.batchSize where first.count < max(collectingMeans, 16) {
                    first.append(tokenBatch.sentence(row))
                }
            }
            sentences += tokenBatch.batchSize
            if sentences >= limit { break }
        }
        guard sentences > 0 else {
            throw TrainingError.noValidationData(
                "the validation split is empty; raise data.validation_fraction or give data.validation files")
        }
        let n = Double(sentences)
        let summary = ValidationSummary(
            sentences: sentences, tokens: tokens, loss: (reconstruction + kl) / n, reconstruction: reconstruction / n,
            kl: kl / n,
            perplexity: exp((reconstruction + kl) / Double(max(1, tokens))),
            activeUnits: latent == nil ? 0 : activeUnits.activeCount(),
            latent: latent ?? 0, mutualInformation: latent == nil ? nil : mutualInformation / n)
        return (summary, first)
    }

    /// Greedy reconstructions from the posterior means (models with a sentence latent; none otherwise).
    func reconstruct(_ sequences: [[Int32]], rng: inout RandomGenerator) -> [RunSummary.Reconstruction] {
        showcase.reconstructions(of: sequences, rng: &rng)
    }

    func samplePrior(count: Int, rng: inout RandomGenerator) -> [String] {
        showcase.samples(count: count, strategy: showcase.summaryStrategy, rng: &rng)
    }

    /// What the model shows: samples, reconstructions, interpolation (shared with the commands).
    private var showcase: ModelShowcase {
        // Generated length: a window of the character stream, or a record's limit with room to spare.
        ModelShowcase(
            model: model, kind: configuration.kind, vocabulary: vocabulary,
            defaultLength: pipeline.batching.window ?? (pipeline.batching.maxLength ?? 50) + 10)
    }

    // MARK: - Checkpoints and summary

    @discardableResult
    private func writeCheckpoint(elapsed: Double, announce: Bool = true) throws -> CheckpointStore.Checkpoint {
        state.elapsedSeconds = elapsed
        // The history up to this step goes to disk first, so a run resumed from this checkpoint
        // after a crash finds every line it keeps.
        try metrics?.synchronize()
        let parameters = self.parameters
        let optimizer = self.optimizer
        let metadata = [
            "step": "\(state.step)", "format": "vae-pipeline \(configuration.kind.displayName)",
            "model": configuration.kind.rawValue
        ]
        let averaged = (weightAverage?.steps ?? 0) > 0
        let checkpoint = try store.write(state: state) { directory in
            try withModelWeights {
                try SafeTensors.save(
                    parameters, metadata: metadata, to: directory.appendingPathComponent(CheckpointStore.modelFile))
            }
            if averaged {
                try SafeTensors.save(
                    parameters, metadata: metadata,
                    to: directory.appendingPathComponent(CheckpointStore.trainingWeightsFile))
            }
            try optimizer.save(to: directory.appendingPathComponent(CheckpointStore.optimizerFile))
        }
        lastCheckpoint = checkpoint
        try store.prune(keepLast: pipeline.training.keepLast)
        if announce { events(.checkpoint(path: checkpoint.url.path, best: false)) }
        return checkpoint
    }

    /// Runs `body` with the run's model weights: the weight average's when there is one, else
    /// the training weights.
    private func withModelWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard let weightAverage else { return try body() }
        return try weightAverage.withAveragedWeights(body)
    }

    private func withModelWeights<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        guard let weightAverage else { return try await body() }
        return try await weightAverage.withAveragedWeights(body)
    }

    private func writeSummary(stopReason: StopReason, elapsed: Double) async throws {
        try await withModelWeights { try await writeSummaryOfModelWeights(stopReason: stopReason, elapsed: elapsed) }
    }

    private func writeSummaryOfModelWeights(stopReason: StopReason, elapsed: Double) async throws {
        var rng = RandomGenerator(seed: state.seed ^ 0x5A3D_1E55)
        let samples = samplePrior(count: 10, rng: &rng)
        var reconstructions: [RunSummary.Reconstruction] = []
        var interpolation: [String] = []
        var picture: (points: [[Double]], labels: [String], explained: [Double]) = ([], [], [])
        var reconstructionF1: Double? = nil
        if validationStream != nil, showcase.latentModel != nil {
            // The final validation has just collected these, unless the last step was validated
            // on schedule (collecting fewer); validate again only then.
            var sequences = lastValidationSentences.sentences
            if lastValidation?.step != state.step || lastValidationSentences.requested < Self.summarySentences {
                sequences = try await validate(collectingMeans: Self.summarySentences).1
            }
            reconstructions = showcase.reconstructions(of: Array(sequences.prefix(8)), rng: &rng)
            reconstructionF1 = showcase.reconstructionF1(
                of: Array(sequences.prefix(ReconstructionScore.sentences)), rng: &rng)
            if sequences.count >= 2 {
                interpolation = showcase.interpolation(
                    between: sequences[0], and: sequences[sequences.count / 2], rng: &rng)
            }
            picture = showcase.latentPicture(of: sequences)
        }
        let rate = state.elapsedSeconds > 0 ? Double(state.tokensSeen) / state.elapsedSeconds : nil
        var summary = RunSummary(
            name: pipeline.name, step: state.step, epoch: state.epoch, seconds: elapsed, tokensPerSecond: rate,
            stoppedBecause: stopReason.rawValue, settings: pipeline.summaryTable, validation: lastValidation?.summary,
            samples: samples, reconstructions: reconstructions, interpolation: interpolation,
            latentPoints: picture.points, latentPointLabels: picture.labels, explainedVariance: picture.explained)
        summary.model = configuration.kind.rawValue
        summary.reconstructionF1 = reconstructionF1
        if configuration.kind.readsCharacters && configuration.kind != .wordVAE, let v = lastValidation?.summary {
            summary.bitsPerCharacter = v.loss * Double(v.sentences) / Double(max(1, v.tokens)) / log(2)
        }
        if configuration.kind == .wordVAE {
            summary.words = showcase.wordReport(words: try WordList.read(from: runDirectory), rng: &rng)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(summary), to: runDirectory.appendingPathComponent(RunSummary.fileName))
        try ReportWriter.write(runDirectory: runDirectory)
    }

    /// Running means over a logging window.
    private struct Window {
        var steps = 0
        var tokens = 0
        var loss = 0.0, reconstruction = 0.0, kl = 0.0, norm = 0.0
        mutating func add(_ metrics: StepMetrics, beta: Float, norm: Float) {
            steps += 1
            tokens += metrics.tokens
            loss += Double(metrics.loss)
            reconstruction += Double(metrics.reconstruction)
            kl += Double(metrics.kl)
            self.norm += Double(norm)
        }
        func mean(_ keyPath: KeyPath<Window, Double>) -> Double {
            steps == 0 ? 0 : self[keyPath: keyPath] / Double(steps)
        }
        var meanNorm: Double { steps == 0 ? 0 : norm / Double(steps) }
    }
}

extension Duration {
    var timeInSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
