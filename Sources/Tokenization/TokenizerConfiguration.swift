/// Everything that decides how text becomes tokens. A `Sendable` value: build one, pass it to
/// each worker, and let every worker call `makeTokenizer()` for its own (non-thread-safe)
/// `Tokenizer`.
///
/// ```swift
/// let configuration = TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "en")
/// let tokenizer = try configuration.makeTokenizer()
/// tokenizer.tokens(of: "Don't panic!")   // ["don't", "panic", "!"]
/// ```
public struct TokenizerConfiguration: Sendable, Hashable, Codable {
    /// The characters keras' `Tokenizer` filters out by default (`filters=` argument).
    public static let kerasDefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

    /// What a token is.
    public var level: TokenizationLevel
    /// Unicode normalization, applied first.
    public var normalization: Normalization
    /// When non-nil, text is lowercased after normalization with ICU's full, locale-sensitive
    /// mapping (`u_strToLower`) for this locale: "tr" maps "İ" to "i" and "I" to "ı"; "en" maps
    /// "İ" to "i̇" (i + U+0307). "" is the root locale (language-neutral rules, same as Python's
    /// `str.lower()`). nil keeps case.
    public var lowercaseLocale: String?
    /// Word level only: whether punctuation, symbol and emoji segments are tokens (true) or
    /// dropped (false). Whitespace is never a token.
    public var keepsPunctuation: Bool
    /// Keras level only: characters replaced by spaces before splitting on spaces.
    public var kerasFilters: String
    /// Locale for ICU's break iterators ("" = root). The root rules already include dictionary
    /// segmentation for CJK and Thai; a locale only matters for tailorings.
    public var breakLocale: String

    /// Creates a configuration; defaults keep case, do not normalize and keep punctuation.
    public init(
        level: TokenizationLevel,
        normalization: Normalization = .none,
        lowercaseLocale: String? = nil,
        keepsPunctuation: Bool = true,
        kerasFilters: String = TokenizerConfiguration.kerasDefaultFilters,
        breakLocale: String = ""
    ) {
        self.level = level
        self.normalization = normalization
        self.lowercaseLocale = lowercaseLocale
        self.keepsPunctuation = keepsPunctuation
        self.kerasFilters = kerasFilters
        self.breakLocale = breakLocale
    }

    /// The keras `Tokenizer()` defaults: default filters, `lower=True` (Python `str.lower()`,
    /// i.e. the root locale), `split=" "`.
    public static func keras(filters: String = kerasDefaultFilters, lowercase: Bool = true) -> TokenizerConfiguration {
        TokenizerConfiguration(level: .keras, lowercaseLocale: lowercase ? "" : nil, kerasFilters: filters)
    }

    /// Checks the locales with ICU; throws `TokenizationError.invalidLocale` for unknown ones.
    public func validate() throws(TokenizationError) {
        if let locale = lowercaseLocale, !ICUSystemCalls.localeIsKnown(locale) {
            throw .invalidLocale(locale)
        }
        if !ICUSystemCalls.localeIsKnown(breakLocale) {
            throw .invalidLocale(breakLocale)
        }
    }

    /// A new tokenizer for one worker (thread). Opening ICU break iterators is the expensive part,
    /// so create one per worker and reuse it for every record.
    public func makeTokenizer() throws(TokenizationError) -> Tokenizer {
        try Tokenizer(configuration: self)
    }
}
