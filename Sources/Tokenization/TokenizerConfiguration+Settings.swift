extension TokenizerConfiguration {
    /// The configuration that a user's settings describe — `tokenize` and `vocab` flags, or a
    /// pipeline file's `tokenizer` section: `lowercase` lowercases by language-neutral rules
    /// unless `lowercaseLocale` names a locale; at the keras level either one turns on Keras'
    /// lowercasing, and `dropPunctuation` (a word-level setting) does not apply.
    public init(
        level: TokenizationLevel, normalization: Normalization, lowercase: Bool, lowercaseLocale: String?,
        dropPunctuation: Bool
    ) {
        if level == .keras {
            self = .keras(lowercase: lowercase || lowercaseLocale != nil)
            self.normalization = normalization
            if let lowercaseLocale { self.lowercaseLocale = lowercaseLocale }
        } else {
            self = TokenizerConfiguration(
                level: level, normalization: normalization,
                lowercaseLocale: lowercaseLocale ?? (lowercase ? "" : nil),
                keepsPunctuation: !dropPunctuation)
        }
    }
}
