import Batching
import CorpusReader
import Foundation
import Models
import NeuralCore
import Support
import TokenShards
import Tokenization

/// A pipeline file with every default filled in and every value checked: what a run actually
/// uses, one typed configuration per stage. Built once at the start of `train` (and stored in the
/// run directory as the file it came from, so `--resume` and the after-training commands rebuild
/// exactly the same settings).
///
/// Each stage's configuration is made from its section of the file and the model family (which
/// decides the defaults) and checked once, by that stage; a refusal names the file and the key.
public struct ResolvedPipeline: Sendable {
    public var name: String
    public var file: String
    public var source: SourceSettings
    public var tokenizer: TokenizerSettings
    public var vocabulary: VocabularySettings
    public var batching: BatchingOptions
    /// The word VAE's word list settings (nil for the other models).
    public var words: WordsSettings?
    public var embeddings: EmbeddingSettings?
    public var model: ModelSettings
    public var training: TrainingSettings
    public var output: String

    /// The bounds every size setting is checked against (README, training section, and
    /// `train --help` list them): beyond them a run would not fit a machine or would stop in
    /// the middle of allocating, so it is refused at the start with the setting's name.
    public enum Limits {
        public static let latent = 1...4_096
        public static let hidden = 1...16_384
        public static let embedding = 1...4_096
        public static let layers = 1...16
        public static let batchSize = 1...65_536
        public static let maxLength = 1...10_000
        public static let vocabulary = 5...2_000_000
        public static let shuffleBuffer = 10_000_000
        public static let validationSentences = 1...1_000_000
        public static let samples = 1_000
        public static let keepLast = 1_000
        public static let learningRate: Float = 10
    }

    public init(_ file: PipelineFile, path: String) throws {
        let checks = PipelineChecks(file: path)
        // The model family first: the other stages' defaults follow it.
        let kind = file.model?.type ?? .sentenceVAE
        self.file = path
        name = file.name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        source = try SourceSettings(file.data, checks: checks)
        tokenizer = try TokenizerSettings(file.tokenizer ?? TokenizerSection(), for: kind, checks: checks)
        vocabulary = try VocabularySettings(file.vocabulary ?? VocabularySection(), checks: checks)
        training = try TrainingSettings(file.training ?? TrainingSection(), for: kind, checks: checks)
        batching = try BatchingOptions(
            file.batching ?? BatchingSection(), for: kind,
            validationFraction: source.validationFraction, seed: training.seed,
            checks: checks)
        if let section = file.embeddings {
            embeddings = try EmbeddingSettings(section, for: kind, checks: checks)
        } else {
            embeddings = nil
        }
        model = try ModelSettings(
            file.model ?? ModelSection(), for: kind, windows: batching.window != nil,
            checks: checks)
        if model.tieEmbeddings, embeddings?.freeze == true {
            throw checks.invalid(
                "model.tie_embeddings", "needs a trainable embedding table, but embeddings.freeze is true")
        }
        words = try WordsSettings.resolve(file.data, for: kind, checks: checks)
        output = file.output ?? "runs/\(name)"
    }
}
