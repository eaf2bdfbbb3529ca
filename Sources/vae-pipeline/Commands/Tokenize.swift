import ArgumentParser
import CorpusReader
import Foundation
import TokenShards
import Tokenization

extension VAEPipeline {
    /// `vae-pipeline tokenize`: a corpus to shards of token ids that trainers (ours, or NumPy
    /// and PyTorch code) read without holding the corpus; `tokenize merge-manifests` joins the
    /// outputs of a sharded run into one dataset.
    struct Tokenize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tokenize a corpus into NumPy shards of token ids, with its vocabulary and a manifest.",
            discussion: """
                'tokenize FILES… --out DIR' (the default subcommand, 'corpus') tokenizes a corpus; \
                'tokenize --shard I/N FILES… --vocab vocab.json --out DIR-I' one shard of it, and \
                'tokenize merge-manifests DIR-0 DIR-1 … --out DIR' writes one manifest over all \
                shards, whose sequences are those of a single run. See docs/SCALING.md.
                """,
            subcommands: [CorpusPass.self, MergeManifests.self],
            defaultSubcommand: CorpusPass.self
        )
    }
}

extension VAEPipeline.Tokenize {
    /// `vae-pipeline tokenize [corpus]`: the tokenizing pass (``TokenizePass``) over a corpus or
    /// one shard of it.
    struct CorpusPass: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "corpus",
            abstract:
                "Tokenize a corpus (or one shard of it) into NumPy shards of token ids, with its vocabulary and a "
                    + "manifest.",
            discussion: """
                Writes, into --out: shard-NNNNN.ids.npy (ids, flat: uint16 while the vocabulary has at \
                most 65,536 entries, else int32) and shard-NNNNN.offsets.npy \
                (int64, one more than the sequences), vocab.json, tokenizer.json (Hugging Face; \
                skipped, with a line saying why, for settings it cannot express: nfkc_casefold, \
                --lowercase-locale lt, tr/az without nfc or nfkc), and manifest.json last. \
                A directory with a manifest is complete; a run stopped at any \
                point leaves none. Without --vocab, the corpus is tokenized once, on every core: \
                tokens are numbered as they come and counted, then renumbered as vocabulary ids. \
                With --vocab, the tokenizer settings are the vocabulary's: --level, --normalization, \
                --lowercase, --lowercase-locale or --drop-punctuation that differ from them are refused. \
                As one worker of an array job (--shard I/N, or Slurm's or Kubernetes' variables) it \
                tokenizes only its shard, with --vocab, for 'tokenize merge-manifests'.
                """
        )

        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var tokenizer: TokenizerOptions
        @OptionGroup var vocabulary: VocabularyOptions
        @OptionGroup var workers: WorkerOptions
        @OptionGroup var sharding: ShardOptions

        @Option(help: ArgumentHelp("The output directory.", valueName: "dir"))
        var out: String

        @Option(help: "Longest sequence kept, in ids (with <bos>/<eos> when added); 0: no limit.")
        var maxLength: Int = 0

        @Option(help: "Sequences longer than --max-length: truncate or drop.")
        var overLength: OverLengthPolicy = .truncate

        @Flag(name: .customLong("bos-eos"), help: "Wrap every sequence in <bos> … <eos>.")
        var addBeginAndEnd = false

        @Option(help: "Sequences per shard.")
        var shardSequences: Int = 1_000_000

        @Flag(help: "Replace a directory that already holds a complete run.")
        var overwrite = false

        @Flag(help: "Print the summary as JSON (the manifest) on standard output.")
        var json = false

        /// How records become sequences: the length policy and the markers the shards carry.
        var encoding: EncodingOptions {
            EncodingOptions(
                maxLength: maxLength == 0 ? nil : maxLength, overLength: overLength,
                addBeginAndEnd: addBeginAndEnd, splitSentences: tokenizer.sentences)
        }

        func validate() throws {
            if maxLength < 0 { throw ValidationError("--max-length cannot be negative.") }
            let policy = encoding.lengthPolicy
            if maxLength > 0 && maxLength < policy.shortestMaxLength {
                throw ValidationError(
                    "--max-length must leave room for <bos>, <eos> and one token (at least "
                        + "\(policy.shortestMaxLength))."
                )
            }
            if shardSequences < 1 { throw ValidationError("--shard-sequences must be at least 1.") }
        }

        func run() async throws {
            // A loaded vocabulary fixes the tokenizer: options that disagree with it are refused
            // before anything in --out is touched.
            let loaded = try self.vocabulary.vocabularyFile.map { file in
                let vocabulary = try Vocabulary.load(from: URL(fileURLWithPath: file))
                let conflicts = tokenizer.conflicts(with: vocabulary.configuration)
                if !conflicts.isEmpty {
                    throw ValidationError(
                        conflicts.joined(separator: " ")
                            + " The vocabulary \(file) was built with its own tokenizer settings, which tokenize "
                                + "uses; drop the option or build a new vocabulary."
                    )
                }
                return vocabulary
            }
            let source: TokenizePass.VocabularySource =
                loaded.map { .loaded($0) }
                ?? .built(
                    configuration: tokenizer.configuration,
                    maxSize: vocabulary.maxVocab == 0 ? nil : vocabulary.maxVocab,
                    minCount: vocabulary.minCount, maxDistinctTokens: vocabulary.maxDistinctTokens)
            let pass = TokenizePass(
                inputs: corpus.corpusInputs, readerOptions: corpus.readerOptions, vocabulary: source,
                encoding: encoding,
                sequencesPerShard: shardSequences, workers: workers.workers,
                plan: try sharding.plan(inputs: corpus.inputs), overwrite: overwrite)
            var progressLine = ProgressLine()
            let directory = URL(fileURLWithPath: out)
            let outcome = try await pass.run(into: directory) { progress, records in
                progressLine.update(progress, records: records)
            }
            progressLine.finish()
            if outcome.prunedDistinctTokens > 0 && !json {
                printError(
                    "pruned      \(Format.count(outcome.prunedDistinctTokens)) rare distinct tokens while counting "
                        + "(--max-distinct-tokens); they are <unk>"
                )
            }
            outcome.huggingFace.report()
            if json {
                print(
                    String(
                        decoding: try Data(contentsOf: directory.appendingPathComponent(ShardManifest.fileName)),
                        as: UTF8.self))
            } else {
                print(TokenizeSummary(manifest: outcome.manifest, report: outcome.report, directory: directory).text)
            }
        }
    }
}

/// What a person wants to see about a tokenized corpus (or shard, or merged dataset).
struct TokenizeSummary {
    let manifest: ShardManifest
    /// Absent for a merged dataset: the workers printed theirs.
    let report: ReadReport?
    let directory: URL

    var text: String {
        let statistics = manifest.counts
        let shards = manifest.shards
        var lines: [String] = []
        let skipped = report?.skipped ?? manifest.skippedRecords.values.reduce(0, +)
        lines.append(
            "records     \(Format.count(report?.records ?? statistics.records)) (skipped \(Format.count(skipped)))")
        if let plan = manifest.partition {
            let parts = manifest.parts?.count ?? 0
            let selection =
                plan.unit == .files
                ? "files: inputs \(plan.selectedInputs.lowerBound + 1)–\(plan.selectedInputs.upperBound) "
                    + "of \(plan.inputs.count)"
                : "records: \(parts) block\(parts == 1 ? "" : "s") of \(Format.count(plan.blockRecords ?? 0))"
            lines.append("shard       \(plan.shard) by \(selection)")
        }
        lines.append(
            "sequences   \(Format.count(statistics.sequences)) in \(shards.count) "
                + "shard\(shards.count == 1 ? "" : "s"); \(Format.count(statistics.tokens)) ids"
        )
        let unknownRate =
            statistics.tokens == 0 ? 0 : Double(statistics.unknownTokens) / Double(statistics.tokens) * 100
        lines.append(
            "unknown     \(Format.count(statistics.unknownTokens)) ids (\(Format.decimal(unknownRate, digits: 2))%)")
        lines.append(
            "length      truncated \(Format.count(statistics.truncated)), dropped too long "
                + "\(Format.count(statistics.droppedTooLong)), dropped empty \(Format.count(statistics.droppedEmpty))"
        )
        for line in report?.issueSummary ?? [] { lines.append("            \(line)") }
        lines.append("wrote       \(directory.path)/ (manifest.json last)")
        return lines.joined(separator: "\n")
    }
}

extension OverLengthPolicy: ExpressibleByArgument {}

extension HuggingFaceExport {
    /// One line on standard error when tokenizer.json was skipped or differs on some inputs.
    func report() {
        switch self {
        case .written(nil): break
        case .written(let differences?): printError("note        \(differences)")
        case .skipped(let reason): printError("note        tokenizer.json not written: \(reason).")
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
