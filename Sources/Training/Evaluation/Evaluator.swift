import Foundation
import Models
import NeuralCore

/// Test-set figures of a trained model, accumulated batch by batch over a streamed file: the
/// negative ELBO and its parts, the importance-weighted NLL (Burda et al. 2016) with K samples,
/// both perplexities (per token, `<eos>` counted), the mutual information I(x; z) estimate and
/// the active units (variance of μ over the set > 0.01).
public struct EvaluationReport: Codable, Sendable, Equatable {
    public var sentences = 0
    /// Target tokens, `<eos>` included.
    public var tokens = 0
    public var negativeELBO = 0.0
    public var reconstruction = 0.0
    public var kl = 0.0
    public var perplexityELBO = 0.0
    public var importanceSamples = 0
    public var importanceWeightedNLL: Double?
    public var importanceWeightedPerplexity: Double?
    public var mutualInformation = 0.0
    public var activeUnits = 0
    public var latent = 0
    public var skippedEmpty = 0
    public var seconds = 0.0

    enum CodingKeys: String, CodingKey {
        case sentences, tokens, reconstruction, kl, latent, seconds
        case negativeELBO = "negative_elbo"
        case perplexityELBO = "perplexity_elbo"
        case importanceSamples = "importance_samples"
        case importanceWeightedNLL = "iw_nll"
        case importanceWeightedPerplexity = "iw_perplexity"
        case mutualInformation = "mutual_information"
        case activeUnits = "active_units"
        case skippedEmpty = "skipped_empty"
    }
}

public struct Evaluator {
    public let model: SentenceVAE
    /// The model on two slices of each batch, one per core (`batch_shards`' default): fixed, so
    /// figures never depend on the machine's cores.
    private let parallel: DataParallelSentenceVAE
    /// Importance samples per sentence; 0 skips the IW estimate.
    public let importanceSamples: Int
    private var rng: RandomGenerator
    private var reconstructionSum = 0.0, klSum = 0.0, iwSum = 0.0, miSum = 0.0
    private var sentences = 0, tokens = 0
    private var activeUnits: ActiveUnitsAccumulator
    private let started = ContinuousClock.now
    public var skippedEmpty = 0

    public init(model: SentenceVAE, importanceSamples: Int, seed: UInt64) {
        self.model = model
        parallel = DataParallelSentenceVAE(model: model, shards: 2)
        self.importanceSamples = importanceSamples
        rng = RandomGenerator(seed: seed)
        activeUnits = ActiveUnitsAccumulator(latent: model.configuration.latent)
    }

    /// Scores one batch of sentences (ids without `<bos>`/`<eos>`, none empty).
    public mutating func add(_ sequences: [[Int32]]) {
        guard !sequences.isEmpty else { return }
        let batch = TokenBatch(sentences: sequences)
        let result = parallel.evaluate(batch, rng: &rng)
        reconstructionSum += result.perSentenceReconstruction.reduce(0, +)
        klSum += result.perSentenceKL.reduce(0, +)
        tokens += result.tokens
        sentences += sequences.count
        activeUnits.add(means: result.means)
        miSum += MutualInformation.estimate(means: result.means, logVariances: result.logVariances, rng: &rng) * Double(sequences.count)
        if importanceSamples > 0 {
            iwSum += parallel.importanceWeightedNLL(batch, samples: importanceSamples, rng: &rng).reduce(0, +)
        }
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
        report.mutualInformation = miSum / n
        report.activeUnits = activeUnits.activeCount()
        report.latent = model.configuration.latent
        report.skippedEmpty = skippedEmpty
        report.seconds = (ContinuousClock.now - started).timeInSeconds
        return report
    }
}
