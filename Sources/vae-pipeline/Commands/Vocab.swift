import ArgumentParser
import CorpusReader
import Foundation
import Support
import TokenShards
import Tokenization

extension VAEPipeline {
    /// `vae-pipeline vocab`: count tokens over a corpus (or one shard of it) and write the
    /// vocabulary; `vocab merge` reduces the shards' partial counts.
    struct Vocab: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Build a vocabulary from a corpus: vocab.json plus a Hugging Face tokenizer.json where one can "
                    + "express the settings.",
            discussion: """
                'vocab FILES… --out vocab.json' (the default subcommand, 'build') counts a corpus; \
                'vocab --shard I/N FILES… --counts-out part-I.counts' counts one shard of it, and \
                'vocab merge part-*.counts --out vocab.json' makes the vocabulary from all shards' \
                counts, the same byte for byte as one run over the whole corpus. See docs/SCALING.md.
                """,
            subcommands: [Build.self, Merge.self],
            defaultSubcommand: Build.self
        )
    }
}

extension VAEPipeline.Vocab {
    /// `vae-pipeline vocab [build]`: count tokens over a corpus and write the vocabulary, or one
    /// shard's partial counts.
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count tokens over a corpus and write the vocabulary (or, with --shard, one shard's counts).",
            discussion: """
                Reads the corpus once, tokenizing on all cores; counting memory is bounded by \
                --max-distinct-tokens. Prints the most frequent tokens, how much of the corpus the \
                vocabulary covers, and the unknown-token rate. As one worker of an array job \
                (--shard I/N, or Slurm's or Kubernetes' variables), it counts only its shard and writes \
                the counts to --counts-out, for 'vocab merge'.
                """
        )

        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var tokenizer: TokenizerOptions
        @OptionGroup var vocabulary: VocabularyOptions
        @OptionGroup var workers: WorkerOptions
        @OptionGroup var sharding: ShardOptions

        @Option(
            help: ArgumentHelp("Where to write the vocabulary JSON; tokenizer.json goes beside it.", valueName: "file"))
        var out: String?

        @Option(
            help: ArgumentHelp(
                "Write the token counts to this .counts file (for 'vocab merge') instead of a vocabulary; a sharded "
                    + "run writes only these.",
                valueName: "file"))
        var countsOut: String?

        @Option(
            name: .customLong("top"),
            help: "How many of the most frequent tokens to print (default 20; not with --counts-out).")
        var givenTop: Int?

        var top: Int { givenTop ?? 20 }

        func validate() throws {
            if top < 0 { throw ValidationError("--top cannot be negative; \(top) was given.") }
            if givenTop != nil && countsOut != nil {
                throw ValidationError(
                    "--top chooses the tokens printed with a vocabulary; --counts-out writes none, so it would change "
                        + "nothing. Drop --top or write --out."
                )
            }
            if vocabulary.vocabularyFile != nil {
                throw ValidationError("vocab builds a vocabulary; --vocab (load one) belongs to tokenize and train.")
            }
            if (out == nil) == (countsOut == nil) {
                throw ValidationError(
                    out == nil
                        ? "Say where to write: --out vocab.json for a vocabulary, or --counts-out FILE.counts for "
                            + "counts to merge."
                        : "Give --out (a vocabulary) or --counts-out (counts to merge), not both; merge counts with "
                            + "'vocab merge … --out'."
                )
            }
        }

        func run() async throws {
            let plan = try sharding.plan(inputs: corpus.inputs)
            if plan != nil, countsOut == nil {
                throw ValidationError(
                    "A sharded vocab counts only part of the corpus, so it writes counts, not a vocabulary: replace "
                        + "--out with --counts-out part-\(plan!.shard.index).counts and merge the parts with 'vocab "
                            + "merge'."
                )
            }
            if countsOut != nil {
                for (given, flag) in [
                    (vocabulary.givenMaxVocab != nil, "--max-vocab"), (vocabulary.givenMinCount != nil, "--min-count")
                ] where given {
                    throw ValidationError(
                        "\(flag) shapes the vocabulary, which --counts-out does not write; give it to 'vocab merge'.")
                }
            }
            let inputs = plan.map { Array(corpus.corpusInputs[$0.selectedInputs]) } ?? corpus.corpusInputs
            let reader = try CorpusReader(inputs: inputs, options: corpus.readerOptions)
            var progressLine = ProgressLine()
            let pass = VocabularyPass(
                configuration: tokenizer.configuration, maxSize: vocabulary.maxVocab == 0 ? nil : vocabulary.maxVocab,
                minCount: vocabulary.minCount, maxDistinctTokens: vocabulary.maxDistinctTokens,
                workers: workers.workers, plan: plan)
            let outcome = try await pass.run(reader) { progress, records in
                progressLine.update(progress, records: records)
            }
            progressLine.finish()
            if let countsOut {
                let counts = PartialCounts(
                    configuration: tokenizer.configuration, plan: plan, records: outcome.report.records,
                    counter: outcome.counter,
                    maxDistinctTokens: vocabulary.maxDistinctTokens,
                    prunedDistinctTokens: outcome.numbering.prunedDistinctTokens,
                    prunedOccurrences: outcome.numbering.prunedOccurrences)
                try counts.write(to: URL(fileURLWithPath: countsOut))
                print(CountsSummary(counts: counts, report: outcome.report).text)
                print("wrote       \(countsOut)")
                return
            }
            let url = URL(fileURLWithPath: out!)
            try outcome.vocabulary.save(to: url)
            let huggingFace = url.deletingLastPathComponent().appendingPathComponent("tokenizer.json")
            let export = try outcome.vocabulary.exportHuggingFaceTokenizerIfExpressible(to: huggingFace)
            print(
                VocabularySummary(
                    vocabulary: outcome.vocabulary, counter: outcome.counter, report: outcome.report,
                    pruned: (outcome.numbering.prunedDistinctTokens, outcome.numbering.prunedOccurrences), top: top
                ).text)
            print("wrote       \(url.path)" + (export.isWritten ? " and \(huggingFace.path)" : ""))
            export.report()
        }
    }
}

/// What a person wants to see about a new vocabulary.
struct VocabularySummary {
    let vocabulary: Vocabulary
    let counter: TokenCounter
    /// Absent for a vocabulary merged from counts (their records are in `counter`'s files).
    let report: ReadReport?
    /// What the counting bound forgot (distinct tokens, occurrences).
    let pruned: (distinctTokens: Int, occurrences: Int)
    let top: Int

    var text: String {
        let covered = vocabulary.counts.dropFirst(SpecialToken.allCases.count).reduce(0, +)
        let total = max(1, counter.totalOccurrences)
        var lines: [String] = []
        if let report {
            lines.append("records     \(Format.count(report.records)) (skipped \(Format.count(report.skipped)))")
        }
        lines.append(
            "tokens      \(Format.count(counter.totalOccurrences)) occurrences of "
                + "\(Format.count(counter.distinctTokens)) distinct tokens"
        )
        // The numbering prunes, not the counter built from it, so the figures come from the pass.
        if pruned.distinctTokens > 0 {
            lines.append(
                "pruned      \(Format.count(pruned.distinctTokens)) rare distinct tokens "
                    + "(\(Format.count(pruned.occurrences)) occurrences) to bound memory"
            )
        }
        lines.append(
            "vocabulary  \(Format.count(vocabulary.count)) ids (4 special tokens + "
                + "\(Format.count(vocabulary.count - 4)) tokens), hash \(vocabulary.hash.prefix(23))…"
        )
        let coverage = Double(covered) / Double(total)
        lines.append(
            "coverage    \(Format.decimal(coverage * 100, digits: 2))% of token occurrences; unknown rate "
                + "\(Format.decimal((1 - coverage) * 100, digits: 2))%"
        )
        let shown = vocabulary.tokens.enumerated().dropFirst(SpecialToken.allCases.count).prefix(top)
        if !shown.isEmpty {
            lines.append(
                "top         "
                    + shown.map { "\($0.element) \(Format.count(vocabulary.counts[$0.offset]))" }.joined(
                        separator: " · "))
        }
        for line in report?.issueSummary ?? [] { lines.append("            \(line)") }
        return lines.joined(separator: "\n")
    }
}
