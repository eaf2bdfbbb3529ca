/// What a token is.
public enum TokenizationLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// Extended grapheme clusters (ICU character break, UAX #29): "👩‍👩‍👧" and "e\u{301}" are one
    /// token each. Every cluster is a token, including spaces and newlines, so decoding joins
    /// tokens as-is and reproduces the (normalized) text.
    case character
    /// Words (ICU word break, UAX #29, with dictionary segmentation for Chinese, Japanese, Thai,
    /// Khmer, Lao, Burmese). Segments whose rule status is letter, number, kana or ideograph are
    /// tokens; other non-space segments (punctuation, symbols, emoji) are tokens only when
    /// `keepsPunctuation` is true; whitespace is never a token. Decoding joins with spaces.
    case word
    /// Sentences (ICU sentence break), trimmed of surrounding whitespace. Mostly useful through
    /// `Tokenizer.forEachTokenBySentence`, which splits into sentences and then tokenizes each.
    case sentence
    /// Runs of non-whitespace separated by Unicode White_Space, for pre-tokenized corpora such as
    /// the Penn Treebank, where "<unk>" must stay one token. Like Python's `str.split()`.
    case whitespace
    /// The keras `Tokenizer` / `text_to_word_sequence` rule: every character of
    /// `TokenizerConfiguration.kerasFilters` becomes a space, then the text is split on U+0020
    /// SPACE only (empty pieces dropped). Combine with `lowercaseLocale = ""` (Keras' default
    /// `lower=True`) to get keras' tokens; `TokenizerConfiguration.keras()` does both.
    case keras
}
