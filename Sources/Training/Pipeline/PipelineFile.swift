import Foundation

/// A declarative training run, as written in `pipelines/*.yaml`: where the corpus is, how it is
/// tokenized and batched, the model, and the training schedule.
///
/// Every field is optional except `data.inputs` (or `data.shards`); ``ResolvedPipeline`` fills in
/// the defaults, and command-line flags override the file. Keys are snake_case; unknown keys are
/// errors (a misspelt `lerning_rate` must not silently train with the default). Settings chosen
/// by name decode straight into their types (``PipelineChoice``).
public struct PipelineFile: Codable, Sendable, Equatable {
    public var name: String?
    public var data: DataSection
    public var tokenizer: TokenizerSection?
    public var vocabulary: VocabularySection?
    public var batching: BatchingSection?
    public var embeddings: EmbeddingsSection?
    public var model: ModelSection?
    public var training: TrainingSection?
    /// The run directory (relative to the pipeline file; `--out` on the command line is relative to
    /// the working directory).
    public var output: String?

    public init(data: DataSection) { self.data = data }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, data, tokenizer, vocabulary, batching, embeddings, model, training, output
    }
}
