import Batching
import CorpusReader
import Foundation
import Models
import Support
import TokenShards

public struct Evaluator {
    public let model: any TextModel
    public let kind: ModelKind
    /// The model on two slices of each batch, one per core (`batch_shards`' default): fixed, so
    /// figures never depend on the machine's cores.
    private let parallel: any BatchTrainer
    /// Importance samples per sequence; 0 (or a model without a posterior to sample) skips the IW estimate.
    public let importanceSamples: Int
    private let latent: Int?
    private var rng: RandomGenerator
    private var reconstructionSum = 0.0, klSum = 0.0, iwSum = 0.0, miSum = 0.0
    private var sentences = 0, tokens = 0
    private var activeUnits: ActiveUnitsAccumulator
    private let started = ContinuousClock.now
    public var skippedEmpty = 0
    /// The first sequences evaluated, kept for the reconstruction score.
    private var firstSequences: [[Int32]] = []
    private var reconstructionF1: Double?

    public init(model: any TextModel, kind: ModelKind, importanceSamples: Int, seed: UInt64) {
        self.model = model
        self.kind = kind
        parallel = makeBatchTrainer(model, shards: 2)
        self.importanceSamples = model is any ImportanceWeightedModel ? importanceSamples : 0
        latent = (model as? any LatentTextModel)?.latentWidth
        rng = RandomGenerator(seed: seed)
        activeUnits = ActiveUnitsAccumulator(latent: latent ?? 1)
    }

    /// Scores one batch of sentences (ids without `<bos>`/`<eos>`, none empty).
    public mutating func add(_ sequences: [[Int32]]) {
        guard !sequences.isEmpty else { return }
        add(TokenBatch(sentences: sequences))
    }

    /// Scores one batch as the model reads it.
    public mutating func add(_ batch: TokenBatch) {
        if latent != nil {
            for row in 0..<batch.batchSize where firstSequences.count < ReconstructionScore.sentences {
                firstSequences.append(batch.sentence(row))
            }
        }
        let result = parallel.evaluate(batch, rng: &rng)
        reconstructionSum += result.perSentenceReconstruction.reduce(0, +)
        klSum += result.perSentenceKL.reduce(0, +)
        tokens += result.tokens
        sentences += batch.batchSize
        if let means = result.means, let logVariances = result.logVariances {
            activeUnits.add(means: means)
            miSum +=
                MutualInformation.estimate(means: means, logVariances: logVariances, rng: &rng)
                * Double(batch.batchSize)
        }
        if importanceSamples > 0, let nll = parallel.importanceWeightedNLL(batch, samples: importanceSamples, rng: &rng)
        {
            iwSum += nll.reduce(0, +)
        }
    }

    /// Scores the first sequences' greedy reconstructions (at most `maxLength` ids each); call
    /// once the corpus is read, before ``report``.
    public mutating func scoreReconstructions(maxLength: Int) {
        guard let latentModel = model as? any LatentTextModel, !firstSequences.isEmpty else { return }
        let (mean, _) = latentModel.encode(TokenBatch(sentences: firstSequences))
        var unused = RandomGenerator(seed: 0)
        let decoded = latentModel.decode(mean, strategy: .greedy, maxLength: maxLength, rng: &unused)
        reconstructionF1 = ReconstructionScore.mean(inputs: firstSequences, decoded: decoded)
    }

    public var report: EvaluationReport {
        var report = EvaluationReport()
        let n = Double(max(1, sentences))
        report.sentences = sentences
        report.tokens = tokens
        report.reconstruction = reconstructionSum / n
        report.kl = klSum / n
        report.negativeELBO = (reconstructionSum + klSum) / n
        report.perplexityELBO = exp((reconstructionSum + klSum) / Double(max(1, tokens)))
        report.importanceSamples = importanceSamples
        if importanceSamples > 0 {
            report.importanceWeightedNLL = iwSum / n
            report.importanceWeightedPerplexity = exp(iwSum / Double(max(1, tokens)))
        }
        if latent != nil {
            report.mutualInformation = miSum / n
            report.activeUnits = activeUnits.activeCount()
        }
        report.latent = latent ?? 0
        report.skippedEmpty = skippedEmpty
        report.model = kind.rawValue
        report.reconstructionF1 = reconstructionF1
        if kind.readsCharacters && kind != .wordVAE {
            report.bitsPerCharacter = (reconstructionSum + klSum) / Double(max(1, tokens)) / log(2)
        }
        report.seconds = (ContinuousClock.now - started).timeInSeconds
        return report
    }
}

extension TrainedModel {
    /// The test corpus as the run's character model read its training data — windows of the
    /// character stream or lines ended by `<eos>`, in order, unshuffled — `batchSize` at a time.
    public func characterBatches(inputs: [CorpusInput], reader: ReaderOptions, batchSize: Int = 64, workers: Int) throws
        -> EpochBatches
    {
        var options = BatchingOptions()
        options.batchSize = batchSize
        options.appendEnd = true
        options.shuffleBuffer = 0
        options.maxLength = maxLength
        if let window { options.window = window; options.stride = window }
        let source = SequenceSource.live(
            inputs: inputs, reader: reader, tokenizer: manifest.tokenizer, vocabulary: vocabulary,
            encoding: EncodingOptions(maxLength: nil, overLength: .truncate), workers: workers)
        return try BatchStream(source: source, options: options).batches(epoch: 0, split: .all)
    }
}
