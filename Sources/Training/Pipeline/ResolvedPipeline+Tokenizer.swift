import CorpusReader
import Models
import TokenShards
import Tokenization

extension ResolvedPipeline {
    /// How records become tokens (`tokenizer`).
    public struct TokenizerSettings: Sendable {
        public var configuration: TokenizerConfiguration
        /// Split each record into sentences, each its own sequence.
        public var splitSentences: Bool

        init(_ section: TokenizerSection, for kind: ModelKind, checks: PipelineChecks) throws(PipelineError) {
            configuration = TokenizerConfiguration(
                level: section.level ?? (kind.readsCharacters ? .character : .word),
                normalization: section.normalization ?? .nfc,
                lowercase: section.lowercase ?? false, lowercaseLocale: section.lowercaseLocale,
                dropPunctuation: section.dropPunctuation ?? false)
            splitSentences = section.sentences ?? false
            try validate(section, for: kind, checks: checks)
        }

        private func validate(
            _ section: TokenizerSection, for kind: ModelKind,
            checks: PipelineChecks
        ) throws(PipelineError) {
            if kind.readsCharacters, let level = section.level, level != .character {
                throw checks.invalid(
                    "tokenizer.level",
                    "must be character for the \(kind.displayName) (it reads "
                        + "letters); '\(level.rawValue)' was given")
            }
            if section.dropPunctuation == true, configuration.level != .word {
                throw checks.invalid(
                    "tokenizer.drop_punctuation",
                    "applies to the word level only; the "
                        + "\(configuration.level.rawValue) level keeps every character it reads")
            }
        }

        /// How the live corpus is encoded for training: sentences as the file says, no cut and
        /// no markers (batching applies the length policy and the markers).
        public var encoding: EncodingOptions { EncodingOptions(splitSentences: splitSentences) }
    }

    /// Where the vocabulary comes from and its bounds (`vocabulary`).
    public struct VocabularySettings: Sendable {
        /// A finished vocabulary to use instead of building one.
        public var file: String?
        /// The most entries, the four special tokens included.
        public var maxSize: Int?
        public var minCount: Int
        /// The bound on distinct tokens while counting (the counting memory).
        public var maxDistinctTokens: Int

        init(_ section: VocabularySection, checks: PipelineChecks) throws(PipelineError) {
            file = section.file
            // 0 means no limit, as `--max-vocab 0` does: every token seen `min_count` times (the
            // counting bound and the model's memory check still apply).
            switch section.maxSize {
            case nil: maxSize = 20_000
            case 0: maxSize = nil
            case let size?: maxSize = size
            }
            minCount = section.minCount ?? 1
            maxDistinctTokens = section.maxDistinctTokens ?? 5_000_000
            try validate(section, checks: checks)
        }

        private func validate(_ section: VocabularySection, checks: PipelineChecks) throws(PipelineError) {
            if let size = section.maxSize, size != 0 {
                if size < 5 {
                    throw checks.invalid("vocabulary.max_size", "counts the 4 special tokens and must be at least 5")
                }
                try checks.bound("vocabulary.max_size", size, Limits.vocabulary)
            }
            if minCount < 1 { throw checks.invalid("vocabulary.min_count", "must be at least 1") }
        }
    }
}
