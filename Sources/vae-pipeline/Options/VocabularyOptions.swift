import ArgumentParser
import Tokenization

/// How a vocabulary is obtained: loaded, or built from the corpus with these limits.
///
/// The limits are optional so that one given with `--vocab` (which would build nothing) is refused.
struct VocabularyOptions: ParsableArguments {
    @Option(
        name: .customLong("vocab"),
        help: ArgumentHelp("Use this vocabulary file (vocab.json) instead of building one.", valueName: "file"))
    var vocabularyFile: String?

    @Option(
        name: .customLong("max-vocab"),
        help: "Vocabulary size, the 4 special tokens (<pad> <unk> <bos> <eos>) included; 0: no limit (the default).")
    var givenMaxVocab: Int?

    @Option(name: .customLong("min-count"), help: "Leave out tokens seen fewer times than this (default 1).")
    var givenMinCount: Int?

    @Option(
        name: .customLong("max-distinct-tokens"),
        help: """
            While counting, keep at most this many distinct tokens (the rarest are pruned), bounding memory \
            (default 5,000,000).
            """
    )
    var givenMaxDistinctTokens: Int?

    var maxVocab: Int { givenMaxVocab ?? 0 }
    var minCount: Int { givenMinCount ?? 1 }
    var maxDistinctTokens: Int { givenMaxDistinctTokens ?? 5_000_000 }

    func validate() throws {
        if maxVocab != 0 && maxVocab < 4 {
            throw ValidationError(
                "--max-vocab counts the 4 special tokens and must be at least 4 (or 0 for no limit); "
                    + "\(maxVocab) was given."
            )
        }
        if maxVocab < 0 { throw ValidationError("--max-vocab cannot be negative; \(maxVocab) was given.") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1.") }
        if maxDistinctTokens < 1000 { throw ValidationError("--max-distinct-tokens must be at least 1000.") }
        if vocabularyFile != nil {
            for (given, flag) in [
                (givenMaxVocab != nil, "--max-vocab"), (givenMinCount != nil, "--min-count"),
                (givenMaxDistinctTokens != nil, "--max-distinct-tokens")
            ] where given {
                throw ValidationError(
                    "--vocab loads a finished vocabulary, so \(flag) (which limits building one) cannot apply; "
                        + "give one or the other."
                )
            }
        }
    }
}
