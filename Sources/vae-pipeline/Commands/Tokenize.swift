import ArgumentParser
import Corpus
import Foundation
import Tokenization

extension VAEPipeline {
    /// `vae-pipeline tokenize`: a corpus to shards of token ids that trainers (ours, or NumPy
    /// and PyTorch code) read without holding the corpus.
    struct Tokenize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tokenize a corpus into NumPy shards of token ids, with its vocabulary and a manifest.",
            discussion: """
                Writes, into --out: shard-NNNNN.ids.npy (int32 ids, flat) and shard-NNNNN.offsets.npy \
                (int64, one more than the sequences), vocab.json, tokenizer.json (Hugging Face; \
                skipped, with a line saying why, for settings it cannot express: nfkc_casefold, \
                --lowercase-locale lt, tr/az without nfc or nfkc), and manifest.json last. A directory with a manifest is complete; a run stopped at any \
                point leaves none. Without --vocab, the corpus is tokenized once, on every core: \
                tokens are numbered as they come and counted, then renumbered as vocabulary ids. \
                With --vocab, the tokenizer settings are the vocabulary's: --level, --normalization, \
                --lowercase, --lowercase-locale or --drop-punctuation that differ from them are refused.
                """
        )

        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var tokenizer: TokenizerOptions
        @OptionGroup var vocabulary: VocabularyOptions
        @OptionGroup var workers: WorkerOptions

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

        func validate() throws {
            if maxLength < 0 { throw ValidationError("--max-length cannot be negative.") }
            if maxLength > 0 && addBeginAndEnd && maxLength < 3 {
                throw ValidationError("--max-length must leave room for <bos>, <eos> and one token (at least 3).")
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
                    throw ValidationError(conflicts.joined(separator: " ") + " The vocabulary \(file) was built with its own tokenizer settings, which tokenize uses; drop the option or build a new vocabulary.")
                }
                return vocabulary
            }
            let directory = URL(fileURLWithPath: out)
            try prepare(directory)
            let options = EncodingOptions(
                maxLength: maxLength == 0 ? nil : maxLength, overLength: overLength,
                addBeginAndEnd: addBeginAndEnd, splitSentences: tokenizer.sentences)
            let writer = TokenShardWriter(directory: directory, sequencesPerShard: shardSequences)
            var progressLine = ProgressLine()
            var statistics = EncodingStatistics()
            var report = ReadReport()
            var checksum = RecordsChecksum()
            let vocabulary: Vocabulary
            let shards: [TokenShardWriter.Shard]

            if let loaded {
                // The vocabulary is known: encode straight to ids.
                vocabulary = loaded
                let chunkTokenizer = try ChunkTokenizer(configuration: vocabulary.configuration, options: options, workers: workers.workers)
                let encoded = try corpus.makeReader().orderedConcurrentMap(maxConcurrency: workers.workers) {
                    try chunkTokenizer.tokenize($0).encoded(with: vocabulary, addingBeginAndEnd: options.addBeginAndEnd)
                }
                for try await chunk in encoded {
                    try writer.append(chunk)
                    statistics.add(chunk.statistics)
                    report.add(chunk.records)
                    checksum.add(chunk.records)
                    progressLine.update(chunk.records.progress, records: report.records)
                }
                try writer.finish()
                shards = writer.shards
            } else {
                // One tokenizing pass: number tokens as they come, count them, write provisional
                // shards; then build the vocabulary and remap the numbers to its ids.
                let provisional = directory.appendingPathComponent(".provisional")
                try? FileManager.default.removeItem(at: provisional)
                try FileManager.default.createDirectory(at: provisional, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: provisional) }
                let configuration = tokenizer.configuration
                let chunkTokenizer = try ChunkTokenizer(configuration: configuration, options: options, workers: workers.workers)
                // Not forced to disk: they are rewritten (or copied) before the run ends.
                let provisionalWriter = TokenShardWriter(directory: provisional, sequencesPerShard: shardSequences, synchronizes: false)
                var numbering = ProvisionalNumbering(maxDistinctTokens: self.vocabulary.maxDistinctTokens)
                let tokenized = try corpus.makeReader().orderedConcurrentMap(maxConcurrency: workers.workers) { try chunkTokenizer.tokenize($0) }
                for try await var chunk in tokenized {
                    numbering.absorb(&chunk)
                    try provisionalWriter.append(ids: chunk.ids, ends: chunk.ends)
                    statistics.add(chunk.statistics)
                    report.add(chunk.records)
                    checksum.add(chunk.records)
                    progressLine.update(chunk.records.progress, records: report.records)
                }
                try provisionalWriter.finish()
                vocabulary = try Vocabulary(
                    counter: numbering.counter(), configuration: configuration,
                    maxSize: self.vocabulary.maxVocab == 0 ? nil : self.vocabulary.maxVocab, minCount: self.vocabulary.minCount)
                let remapper = ShardRemapper(map: numbering.finalIDs(for: vocabulary), addBeginAndEnd: options.addBeginAndEnd)
                let tokens: Int
                let unknown: Int
                if options.addBeginAndEnd {
                    // Sequences grow by two ids: written anew.
                    (tokens, unknown) = try remapper.remap(provisionalWriter.shards, in: provisional.path, into: writer)
                    try writer.finish()
                    shards = writer.shards
                } else {
                    (tokens, unknown) = try remapper.remapInPlace(provisionalWriter.shards, in: provisional.path, into: directory,
                                                                  threads: workers.workers)
                    shards = provisionalWriter.shards
                }
                statistics.tokens = tokens
                statistics.unknownTokens = unknown
                if numbering.prunedDistinctTokens > 0 && !json {
                    printError("pruned      \(Format.count(numbering.prunedDistinctTokens)) rare distinct tokens while counting (--max-distinct-tokens); they are <unk>")
                }
            }
            progressLine.finish()
            let vocabularyURL = directory.appendingPathComponent("vocab.json")
            let huggingFaceURL = directory.appendingPathComponent("tokenizer.json")
            try vocabulary.save(to: vocabularyURL)
            let export = try vocabulary.exportHuggingFaceTokenizerIfExpressible(to: huggingFaceURL)
            export.report()

            let manifest = ShardManifest(
                inputs: corpus.corpusInputs.map { .init(path: $0.description, bytes: $0.fileSize) },
                recordsChecksum: checksum.text, reader: .init(corpus.readerOptions), tokenizer: vocabulary.configuration,
                encoding: options,
                vocabulary: .init(file: vocabularyURL.lastPathComponent, huggingFaceFile: export.isWritten ? huggingFaceURL.lastPathComponent : nil,
                                  hash: vocabulary.hash, size: vocabulary.count),
                counts: statistics, skippedRecords: report.skippedByKind, repairedRecords: report.repairedRecords,
                shards: shards)
            try manifest.write(into: directory)
            if json {
                print(String(decoding: try Data(contentsOf: directory.appendingPathComponent(ShardManifest.fileName)), as: UTF8.self))
            } else {
                printSummary(statistics, report, shards, directory)
            }
        }

        /// Refuses to touch a complete run unless --overwrite; with it, removes the manifest
        /// first (so an interrupted rewrite never looks complete) and the old shards.
        private func prepare(_ directory: URL) throws {
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw ValidationError("'\(directory.path)' exists and is not a directory.")
                }
                let manifest = directory.appendingPathComponent(ShardManifest.fileName)
                if manager.fileExists(atPath: manifest.path) {
                    guard overwrite else {
                        throw ValidationError("'\(directory.path)' already holds a complete tokenization (manifest.json); pass --overwrite to replace it, or choose another --out.")
                    }
                    try manager.removeItem(at: manifest)
                }
                for name in try manager.contentsOfDirectory(atPath: directory.path)
                where name.hasPrefix("shard-") && (name.hasSuffix(".npy") || name.hasSuffix(".npy.tmp")) {
                    try manager.removeItem(at: directory.appendingPathComponent(name))
                }
            } else {
                try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            }
        }

        private func printSummary(_ statistics: EncodingStatistics, _ report: ReadReport, _ shards: [TokenShardWriter.Shard], _ directory: URL) {
            var lines: [String] = []
            lines.append("records     \(Format.count(report.records)) (skipped \(Format.count(report.skipped)))")
            lines.append("sequences   \(Format.count(statistics.sequences)) in \(shards.count) shard\(shards.count == 1 ? "" : "s"); \(Format.count(statistics.tokens)) ids")
            let unknownRate = statistics.tokens == 0 ? 0 : Double(statistics.unknownTokens) / Double(statistics.tokens) * 100
            lines.append("unknown     \(Format.count(statistics.unknownTokens)) ids (\(Format.decimal(unknownRate, digits: 2))%)")
            lines.append("length      truncated \(Format.count(statistics.truncated)), dropped too long \(Format.count(statistics.droppedTooLong)), dropped empty \(Format.count(statistics.droppedEmpty))")
            for line in report.issueSummary { lines.append("            \(line)") }
            lines.append("wrote       \(directory.path)/ (manifest.json last)")
            print(lines.joined(separator: "\n"))
        }
    }
}

extension OverLengthPolicy: ExpressibleByArgument {}

extension HuggingFaceExport {
    var isWritten: Bool { if case .written = self { true } else { false } }

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
