import ArgumentParser
import Corpus
import Foundation
import Tokenization

extension VAEPipeline {
    /// `vae-pipeline vocab`: count tokens over a corpus and write the vocabulary.
    struct Vocab: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a vocabulary from a corpus: vocab.json plus a Hugging Face tokenizer.json where one can express the settings.",
            discussion: """
                Reads the corpus once, tokenizing on all cores; counting memory is bounded by \
                --max-distinct-tokens. Prints the most frequent tokens, how much of the corpus the \
                vocabulary covers, and the unknown-token rate.
                """
        )

        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var tokenizer: TokenizerOptions
        @OptionGroup var vocabulary: VocabularyOptions
        @OptionGroup var workers: WorkerOptions

        @Option(help: ArgumentHelp("Where to write the vocabulary JSON; tokenizer.json goes beside it.", valueName: "file"))
        var out: String

        @Option(help: "How many of the most frequent tokens to print.")
        var top: Int = 20

        func validate() throws {
            if top < 0 { throw ValidationError("--top cannot be negative; \(top) was given.") }
            if vocabulary.vocabularyFile != nil {
                throw ValidationError("vocab builds a vocabulary; --vocab (load one) belongs to tokenize and train.")
            }
        }

        func run() async throws {
            let reader = try corpus.makeReader()
            var progressLine = ProgressLine()
            let pass = VocabularyPass(
                configuration: tokenizer.configuration, maxSize: vocabulary.maxVocab == 0 ? nil : vocabulary.maxVocab,
                minCount: vocabulary.minCount, maxDistinctTokens: vocabulary.maxDistinctTokens, workers: workers.workers)
            let outcome = try await pass.run(reader) { progress, records in progressLine.update(progress, records: records) }
            progressLine.finish()
            let url = URL(fileURLWithPath: out)
            try outcome.vocabulary.save(to: url)
            let huggingFace = url.deletingLastPathComponent().appendingPathComponent("tokenizer.json")
            let export = try outcome.vocabulary.exportHuggingFaceTokenizerIfExpressible(to: huggingFace)
            print(VocabularySummary(outcome: outcome, top: top).text)
            print("wrote       \(url.path)" + (export.isWritten ? " and \(huggingFace.path)" : ""))
            export.report()
        }
    }
}

/// What a person wants to see about a new vocabulary.
struct VocabularySummary {
    let outcome: VocabularyPass.Outcome
    let top: Int

    var text: String {
        let vocabulary = outcome.vocabulary
        let counter = outcome.counter
        let covered = vocabulary.counts.dropFirst(Vocabulary.specialTokens.count).reduce(0, +)
        let total = max(1, counter.totalOccurrences)
        var lines: [String] = []
        lines.append("records     \(Format.count(outcome.report.records)) (skipped \(Format.count(outcome.report.skipped)))")
        lines.append("tokens      \(Format.count(counter.totalOccurrences)) occurrences of \(Format.count(counter.distinctTokens)) distinct tokens")
        if counter.prunedDistinctTokens > 0 {
            lines.append("pruned      \(Format.count(counter.prunedDistinctTokens)) rare distinct tokens (\(Format.count(counter.prunedOccurrences)) occurrences) to bound memory")
        }
        lines.append("vocabulary  \(Format.count(vocabulary.count)) ids (4 special tokens + \(Format.count(vocabulary.count - 4)) tokens), hash \(vocabulary.hash.prefix(23))…")
        let coverage = Double(covered) / Double(total)
        lines.append("coverage    \(Format.decimal(coverage * 100, digits: 2))% of token occurrences; unknown rate \(Format.decimal((1 - coverage) * 100, digits: 2))%")
        let shown = vocabulary.tokens.enumerated().dropFirst(Vocabulary.specialTokens.count).prefix(top)
        if !shown.isEmpty {
            lines.append("top         " + shown.map { "\($0.element) \(Format.count(vocabulary.counts[$0.offset]))" }.joined(separator: " · "))
        }
        for line in outcome.report.issueSummary { lines.append("            \(line)") }
        return lines.joined(separator: "\n")
    }
}
