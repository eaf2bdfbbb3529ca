import ArgumentParser
import Tokenization

extension TokenizationLevel: ExpressibleByArgument {}
extension Normalization: ExpressibleByArgument {}

/// How text becomes tokens: shared by `tokenize`, `vocab` and (later) `train`.
///
/// Level and normalization are optional so that `tokenize --vocab` can tell an option given
/// (which must agree with the vocabulary's recorded tokenizer) from a default.
struct TokenizerOptions: ParsableArguments {
    @Option(
        help: """
            Token level: character (grapheme clusters), word (ICU word break), whitespace (pre-tokenized \
            text such as PTB) or keras (Keras' Tokenizer rule). Default: word.
            """
    )
    var level: TokenizationLevel?

    @Option(help: "Unicode normalization before splitting: none, nfc, nfkc or nfkc_casefold. Default: nfc.")
    var normalization: Normalization?

    @Flag(help: "Lowercase (language-neutral rules, like Python's str.lower()).")
    var lowercase = false

    @Option(
        help: ArgumentHelp(
            "Lowercase with this ICU locale's rules (e.g. 'tr' for Turkish dotted and dotless i).", valueName: "locale")
    )
    var lowercaseLocale: String?

    @Flag(help: "Word level: drop punctuation and symbol tokens (kept by default).")
    var dropPunctuation = false

    @Flag(help: "Split each record into sentences (ICU sentence break); each sentence becomes a sequence.")
    var sentences = false

    func validate() throws {
        if level == .sentence {
            throw ValidationError(
                "The sentence level is not a token level; use --sentences with --level word or character "
                    + "to split records into sentences."
            )
        }
        if dropPunctuation && (level ?? .word) != .word {
            throw ValidationError("--drop-punctuation applies to the word level only.")
        }
    }

    var configuration: TokenizerConfiguration {
        TokenizerConfiguration(
            level: level ?? .word, normalization: normalization ?? .nfc, lowercase: lowercase,
            lowercaseLocale: lowercaseLocale, dropPunctuation: dropPunctuation)
    }

    /// The options given that disagree with `recorded` (a loaded vocabulary's tokenizer), each
    /// as a sentence; options left at their defaults take the vocabulary's settings.
    func conflicts(with recorded: TokenizerConfiguration) -> [String] {
        var conflicts: [String] = []
        if let level, level != recorded.level {
            conflicts.append(
                "--level \(level.rawValue) differs from the vocabulary's level \(recorded.level.rawValue).")
        }
        if let normalization, normalization != recorded.normalization {
            conflicts.append(
                "--normalization \(normalization.rawValue) differs from the vocabulary's normalization "
                    + "\(recorded.normalization.rawValue)."
            )
        }
        let recordedLowercase =
            recorded.lowercaseLocale.map { $0.isEmpty ? "--lowercase" : "--lowercase-locale \($0)" } ?? "no lowercasing"
        if let lowercaseLocale, recorded.lowercaseLocale != lowercaseLocale {
            conflicts.append(
                "--lowercase-locale \(lowercaseLocale) differs from the vocabulary's \(recordedLowercase).")
        } else if lowercaseLocale == nil, lowercase, recorded.lowercaseLocale == nil {
            conflicts.append("--lowercase differs from the vocabulary's \(recordedLowercase).")
        } else if lowercaseLocale == nil, lowercase, let locale = recorded.lowercaseLocale, !locale.isEmpty {
            conflicts.append("--lowercase (language-neutral) differs from the vocabulary's \(recordedLowercase).")
        }
        if dropPunctuation, recorded.keepsPunctuation || recorded.level != .word {
            conflicts.append("--drop-punctuation differs from the vocabulary, which keeps punctuation.")
        }
        return conflicts
    }
}
