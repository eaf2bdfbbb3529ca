import Models

extension ResolvedPipeline {
    /// How the word VAE draws its words from the inputs (`data.words`).
    public struct WordsSettings: Sendable, Equatable {
        public var source: WordsSource
        public var minCount: Int
        public var maxWords: Int
        public var lowercase: Bool
        /// The bound on `max_words` (the word list is held in memory, like a vocabulary).
        public static let maxWordsLimit = 1...5_000_000

        init(_ section: WordsSection, checks: PipelineChecks) throws(PipelineError) {
            source = section.from ?? .tokens
            minCount = section.minCount ?? 1
            maxWords = section.maxWords ?? 50_000
            lowercase = section.lowercase ?? false
            try checks.bound("data.words.min_count", minCount, 1...Int(Int32.max))
            try checks.bound("data.words.max_words", maxWords, Self.maxWordsLimit)
        }

        /// The word VAE's settings (nil for the other models, which refuse the section).
        static func resolve(
            _ data: DataSection, for kind: ModelKind,
            checks: PipelineChecks
        ) throws(PipelineError) -> WordsSettings? {
            guard kind == .wordVAE else {
                if data.words != nil {
                    throw checks.invalid("data.words", "applies to the word VAE (model.type: word_vae) only")
                }
                return nil
            }
            if data.shards != nil {
                throw checks.invalid("data.shards", "cannot feed the word VAE, which draws its words from data.inputs")
            }
            return try WordsSettings(data.words ?? WordsSection(), checks: checks)
        }
    }
}
