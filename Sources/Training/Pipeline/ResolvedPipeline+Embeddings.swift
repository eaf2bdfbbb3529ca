import CorpusReader
import Embeddings
import Models
import TokenShards

extension ResolvedPipeline {
    /// Pretrained word vectors to start the embedding from (`embeddings`).
    public struct EmbeddingSettings: Sendable {
        public var vectors: String
        public var options: EmbeddingOptions
        /// Keep the loaded vectors fixed during training.
        public var freeze: Bool

        init(_ section: EmbeddingsSection, for kind: ModelKind, checks: PipelineChecks) throws(PipelineError) {
            vectors = section.vectors
            options = EmbeddingOptions()
            options.format = section.format ?? options.format
            if let member = section.member { options.memberPatterns = [member] }
            options.oovPolicy = section.oov ?? options.oovPolicy
            options.caseInsensitive = section.caseInsensitive ?? false
            options.maxDimension = section.maxDimension ?? options.maxDimension
            options.dimension = section.dimension
            options.maxAbsoluteValue = section.maxValue ?? options.maxAbsoluteValue
            freeze = section.freeze ?? false
            try validate(for: kind, checks: checks)
        }

        private func validate(for kind: ModelKind, checks: PipelineChecks) throws(PipelineError) {
            if kind.readsCharacters {
                throw checks.invalid(
                    "embeddings",
                    "do not apply to the \(kind.displayName): it reads characters, "
                        + "and word vectors have none")
            }
            do throws(EmbeddingError) {
                try options.validate { "'\(Self.pipelineKey($0))'" }
            } catch {
                guard case let .invalidOption(setting, _, reason) = error else {
                    throw checks.invalid("embeddings", error.localizedDescription)
                }
                throw checks.invalid(Self.pipelineKey(setting), reason)
            }
        }

        /// The pipeline file's key for an embeddings setting.
        static func pipelineKey(_ setting: EmbeddingOptions.Setting) -> String {
            switch setting {
            case .dimension: "embeddings.dimension"
            case .maxDimension: "embeddings.max_dimension"
            case .maxAbsoluteValue: "embeddings.max_value"
            // Not settable from a pipeline file: their defaults are valid.
            case .maxLineBytes, .maxMatrixBytes: "embeddings"
            }
        }
    }
}
