import ArgumentParser
import Tokenization

extension TokenizationLevel: ExpressibleByArgument {}
extension Normalization: ExpressibleByArgument {}

/// How text becomes tokens: shared by `tokenize`, `vocab` and (later) `train`.
struct TokenizerOptions: ParsableArguments {
    @Option(help: "Token level: character (grapheme clusters), word (ICU word break), whitespace (pre-tokenized text such as PTB) or keras (Keras' Tokenizer rule).")
    var level: TokenizationLevel = .word

    @Option(help: "Unicode normalization before splitting: none, nfc, nfkc or nfkc_casefold.")
    var normalization: Normalization = .nfc

    @Flag(help: "Lowercase (language-neutral rules, like Python's str.lower()).")
    var lowercase = false

    @Option(help: ArgumentHelp("Lowercase with this ICU locale's rules (e.g. 'tr' for Turkish dotted and dotless i).", valueName: "locale"))
    var lowercaseLocale: String?

    @Flag(help: "Word level: drop punctuation and symbol tokens (kept by default).")
    var dropPunctuation = false

    @Flag(help: "Split each record into sentences (ICU sentence break); each sentence becomes a sequence.")
    var sentences = false

    func validate() throws {
        if level == .sentence {
            throw ValidationError("The sentence level is not a token level; use --sentences with --level word or character to split records into sentences.")
        }
        if dropPunctuation && level != .word {
            throw ValidationError("--drop-punctuation applies to the word level only.")
        }
    }

    var configuration: TokenizerConfiguration {
        if level == .keras {
            var keras = TokenizerConfiguration.keras(lowercase: lowercase || lowercaseLocale != nil)
            keras.normalization = normalization
            if let lowercaseLocale { keras.lowercaseLocale = lowercaseLocale }
            return keras
        }
        return TokenizerConfiguration(
            level: level, normalization: normalization,
            lowercaseLocale: lowercaseLocale ?? (lowercase ? "" : nil),
            keepsPunctuation: !dropPunctuation)
    }
}

/// How a vocabulary is obtained: loaded, or built from the corpus with these limits.
struct VocabularyOptions: ParsableArguments {
    @Option(name: .customLong("vocab"), help: ArgumentHelp("Use this vocabulary file (vocab.json) instead of building one.", valueName: "file"))
    var vocabularyFile: String?

    @Option(help: "Vocabulary size, the 4 special tokens (<pad> <unk> <bos> <eos>) included; 0: no limit.")
    var maxVocab: Int = 0

    @Option(help: "Leave out tokens seen fewer times than this.")
    var minCount: Int = 1

    @Option(help: "While counting, keep at most this many distinct tokens (the rarest are pruned), bounding memory.")
    var maxDistinctTokens: Int = 5_000_000

    func validate() throws {
        if maxVocab != 0 && maxVocab < 4 {
            throw ValidationError("--max-vocab counts the 4 special tokens and must be at least 4 (or 0 for no limit); \(maxVocab) was given.")
        }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1.") }
        if maxDistinctTokens < 1000 { throw ValidationError("--max-distinct-tokens must be at least 1000.") }
        if vocabularyFile != nil && maxVocab != 0 {
            throw ValidationError("--vocab loads a finished vocabulary, so --max-vocab cannot apply; give one or the other.")
        }
    }
}

/// How many cores to use.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Chunks tokenized at once (default: the number of cores).")
    var workers: Int = max(1, ProcessInfoCores.active)

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
    }
}

import Foundation
enum ProcessInfoCores {
    static var active: Int { ProcessInfo.processInfo.activeProcessorCount }
}
