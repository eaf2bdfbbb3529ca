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
            try checks.bound("embeddings.max_dimension", options.maxDimension, 1...EmbeddingOptions.dimensionHardCap)
            if let dimension = options.dimension {
                try checks.bound("embeddings.dimension", dimension, 1...options.maxDimension)
            }
            guard options.maxAbsoluteValue.isFinite, options.maxAbsoluteValue > 0 else {
                throw checks.invalid("embeddings.max_value", "must be a positive finite number")
            }
        }
    }
}
