import ArgumentParser
import CorpusReader
import Foundation
import TokenShards
import Tokenization

extension VAEPipeline.Vocab {
    /// `vae-pipeline vocab merge`: the reduce step of a sharded vocabulary.
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add up partial counts (.counts from 'vocab --counts-out') into a vocabulary, or into one .counts "
                    + "file.",
            discussion: """
                Exact and order-independent: merging every shard's counts, in any order and grouping \
                (counts may be merged into counts first), gives byte for byte the vocabulary one \
                'vocab' over the whole corpus gives — unless a worker pruned rare tokens to bound \
                its memory (--max-distinct-tokens), which is reported. Files counted with other \
                tokenizer settings or another partition, and a shard given twice, are refused; \
                --out needs every shard.
                """
        )

        @Argument(help: ArgumentHelp("Partial counts files written by 'vocab --counts-out'.", valueName: "counts"))
        var files: [String] = []

        @Option(
            name: .customLong("max-vocab"),
            help: "Vocabulary size, the 4 special tokens (<pad> <unk> <bos> <eos>) included; 0: no limit (the default)."
        )
        var maxVocab: Int?

        @Option(help: "Leave out tokens seen fewer times than this (default 1).")
        var minCount: Int?

        @Option(
            help: ArgumentHelp(
                "Write the vocabulary JSON here (every shard needed); tokenizer.json goes beside it.", valueName: "file"
            ))
        var out: String?

        @Option(
            help: ArgumentHelp(
                "Write the summed counts to this .counts file instead (a partial merge, to merge again later).",
                valueName: "file"))
        var countsOut: String?

        @Option(
            name: .customLong("top"),
            help: "How many of the most frequent tokens to print (default 20; not with --counts-out).")
        var givenTop: Int?

        var top: Int { givenTop ?? 20 }

        func validate() throws {
            if files.isEmpty { throw ValidationError("Name the .counts files to merge (for example part-*.counts).") }
            if (out == nil) == (countsOut == nil) {
                throw ValidationError(
                    out == nil
                        ? "Say where to write: --out vocab.json for the vocabulary, or --counts-out FILE.counts for a "
                            + "partial merge."
                        : "Give --out (the vocabulary) or --counts-out (a partial merge), not both.")
            }
            if let maxVocab, maxVocab != 0 && maxVocab < 4 {
                throw ValidationError(
                    "--max-vocab counts the 4 special tokens and must be at least 4 (or 0 for no limit); \(maxVocab) "
                        + "was given."
                )
            }
            if let minCount, minCount < 1 {
                throw ValidationError("--min-count must be at least 1; \(minCount) was given.")
            }
            if countsOut != nil {
                for (given, flag) in [(maxVocab != nil, "--max-vocab"), (minCount != nil, "--min-count")] where given {
                    throw ValidationError(
                        "\(flag) shapes the vocabulary, which --counts-out does not write; give it to the final merge "
                            + "with --out."
                    )
                }
            }
            if top < 0 { throw ValidationError("--top cannot be negative; \(top) was given.") }
            if givenTop != nil && countsOut != nil {
                throw ValidationError(
                    "--top chooses the tokens printed with a vocabulary; --counts-out writes none, so it would change "
                        + "nothing. Drop --top or write --out."
                )
            }
        }

        func run() async throws {
            let parts = try files.map { try PartialCounts.read(from: URL(fileURLWithPath: $0)) }
            let merged = try PartialCounts.merging(parts, paths: files)
            let pruning = merged.header.pruning
            if pruning.distinctTokens > 0 {
                printError(
                    "note        the workers pruned \(Format.count(pruning.distinctTokens)) rare distinct tokens "
                        + "(\(Format.count(pruning.occurrences)) occurrences) to bound memory (--max-distinct-tokens "
                            + "\(pruning.maxDistinctTokens.map(Format.count) ?? "?")); counts near the vocabulary's "
                                + "cut-off may be low, so it may differ from one unsharded run. Raise "
                                    + "--max-distinct-tokens for an exact merge."
                )
            }
            if let countsOut {
                try merged.write(to: URL(fileURLWithPath: countsOut))
                print(CountsSummary(counts: merged, report: nil).text)
                print("wrote       \(countsOut)")
                return
            }
            guard merged.isComplete else {
                let missing = merged.missingShards
                throw ValidationError(
                    "The counts cover \(merged.header.shards.count) of \(merged.header.partition?.count ?? 1) shards; "
                        + "shard\(missing.count == 1 ? "" : "s") "
                            + "\(missing.prefix(10).map(String.init).joined(separator: ", "))"
                            + "\(missing.count > 10 ? ", …" : "") \(missing.count == 1 ? "is" : "are") missing. "
                            + "A vocabulary needs every shard (or write a partial merge with --counts-out)."
                )
            }
            let vocabulary = try Vocabulary(
                counter: merged.counter, configuration: merged.header.configuration,
                maxSize: (maxVocab ?? 0) == 0 ? nil : maxVocab, minCount: minCount ?? 1)
            let url = URL(fileURLWithPath: out!)
            try vocabulary.save(to: url)
            let huggingFace = url.deletingLastPathComponent().appendingPathComponent("tokenizer.json")
            let export = try vocabulary.exportHuggingFaceTokenizerIfExpressible(to: huggingFace)
            print(
                "records     \(Format.count(merged.header.records)) in \(files.count) counts "
                    + "file\(files.count == 1 ? "" : "s")"
            )
            print(
                VocabularySummary(
                    vocabulary: vocabulary, counter: merged.counter, report: nil,
                    pruned: (pruning.distinctTokens, pruning.occurrences), top: top
                ).text)
            print("wrote       \(url.path)" + (export.isWritten ? " and \(huggingFace.path)" : ""))
            export.report()
        }
    }
}

/// What a person wants to see about partial counts.
struct CountsSummary {
    let counts: PartialCounts
    let report: ReadReport?

    var text: String {
        let header = counts.header
        var lines: [String] = []
        if let report {
            lines.append("records     \(Format.count(report.records)) (skipped \(Format.count(report.skipped)))")
        } else {
            lines.append("records     \(Format.count(header.records))")
        }
        let total = header.partition?.count ?? 1
        let unit =
            header.partition.map {
                $0.unit == .files ? "by files" : "by records, blocks of \(Format.count($0.blockRecords ?? 0))"
            } ?? "the whole corpus"
        let listed =
            header.shards.count == total
            ? "all \(total)" : header.shards.map(String.init).joined(separator: ", ") + " of \(total)"
        lines.append("shards      \(listed) (\(unit))")
        lines.append(
            "tokens      \(Format.count(header.occurrences)) occurrences of \(Format.count(header.distinctTokens)) "
                + "distinct tokens"
        )
        if header.pruning.distinctTokens > 0 {
            lines.append(
                "pruned      \(Format.count(header.pruning.distinctTokens)) rare distinct tokens "
                    + "(\(Format.count(header.pruning.occurrences)) occurrences) to bound memory; a merge reports them"
            )
        }
        for line in report?.issueSummary ?? [] { lines.append("            \(line)") }
        return lines.joined(separator: "\n")
    }
}
