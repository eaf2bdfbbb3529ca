import CorpusReader
import Foundation
import Tokenization

/// The tokenizing pass behind `vae-pipeline tokenize`: a corpus (or one worker's part of it) to
/// a directory of token shards, `vocab.json`, `tokenizer.json` and, last and atomically,
/// `manifest.json`.
///
/// Without a vocabulary the corpus is tokenized **once**: tokens are numbered as they come and
/// counted (``ProvisionalNumbering``) into provisional shards in a hidden `.provisional/` folder;
/// then the ``Vocabulary`` is built from the counts and ``ShardRemapper`` rewrites the numbers as
/// its ids (in place when no `<bos>`/`<eos>` change the lengths). With a vocabulary, each
/// chunk is encoded straight to ids. A sharded run (``plan``) needs the vocabulary — ids must be
/// the same in every worker — and starts a new shard at every part, so that the merged manifest
/// can order shards by part (see ``ShardPlan``).
public struct TokenizePass: Sendable {
    /// Where the vocabulary comes from.
    public enum VocabularySource: Sendable {
        /// A finished vocabulary (`--vocab`): its tokenizer settings are used.
        case loaded(Vocabulary)
        /// Built from this corpus's counts, with these limits.
        case built(configuration: TokenizerConfiguration, maxSize: Int?, minCount: Int, maxDistinctTokens: Int?)
    }

    public var inputs: [CorpusInput]
    public var readerOptions: ReaderOptions
    public var vocabulary: VocabularySource
    public var encoding: EncodingOptions
    public var sequencesPerShard: Int
    public var workers: Int
    /// This worker's part of a sharded run; nil reads the whole corpus.
    public var plan: ShardPlan?
    /// Replace a directory that already holds a complete run.
    public var overwrite: Bool

    public init(
        inputs: [CorpusInput], readerOptions: ReaderOptions, vocabulary: VocabularySource, encoding: EncodingOptions,
        sequencesPerShard: Int, workers: Int, plan: ShardPlan? = nil, overwrite: Bool = false
    ) {
        self.inputs = inputs
        self.readerOptions = readerOptions
        self.vocabulary = vocabulary
        self.encoding = encoding
        self.sequencesPerShard = sequencesPerShard
        self.workers = workers
        self.plan = plan
        self.overwrite = overwrite
    }

    public struct Outcome: Sendable {
        public var manifest: ShardManifest
        public var vocabulary: Vocabulary
        public var report: ReadReport
        public var huggingFace: HuggingFaceExport
        /// Distinct tokens (and their occurrences) the counting bound pruned; they became `<unk>`.
        public var prunedDistinctTokens = 0
        public var prunedOccurrences = 0
    }

    /// Runs the pass into `directory`. `progress` is called after each chunk (for a progress line).
    public func run(into directory: URL, progress: (ReadProgress, Int) -> Void = { _, _ in }) async throws -> Outcome {
        if plan != nil, case .built = vocabulary {
            throw TokenShardsError.invalidShard(
                source: "--shard",
                reason:
                    "a sharded tokenize needs the vocabulary of the whole corpus, so that every worker gives a token "
                        + "the same id; build it with 'vocab --shard I/N --counts-out …' and 'vocab merge', "
                        + "then pass --vocab vocab.json."
            )
        }
        let readInputs = plan.map { Array(inputs[$0.selectedInputs]) } ?? inputs
        let reader = try CorpusReader(inputs: readInputs, options: readerOptions)
        try prepare(directory)
        var statistics = EncodingStatistics()
        var report = ReadReport()
        var checksum = RecordsChecksum()
        var parts = PartChecksums(plan: plan)
        let vocabulary: Vocabulary
        let shards: [TokenShardWriter.Shard]
        var pruned = (distinctTokens: 0, occurrences: 0)

        switch self.vocabulary {
        case .loaded(let loaded):
            // The vocabulary is known: encode straight to ids.
            vocabulary = loaded
            let writer = TokenShardWriter(
                directory: directory, sequencesPerShard: sequencesPerShard,
                idWidth: .forVocabulary(size: vocabulary.count))
            let chunkTokenizer = try ChunkTokenizer(
                configuration: vocabulary.configuration, options: encoding, workers: workers)
            let encoded = reader.sharded(by: plan).orderedConcurrentMap(maxConcurrency: workers) {
                try chunkTokenizer.tokenize($0).encoded(with: vocabulary)
            }
            for try await chunk in encoded {
                if let part = parts.enter(chunk.records), part != writer.part {
                    try writer.endShard()
                    writer.part = part
                }
                try writer.append(chunk)
                statistics.add(chunk.statistics)
                report.add(chunk.records)
                checksum.add(chunk.records)
                parts.add(chunk.records)
                progress(chunk.records.progress, report.records)
            }
            try writer.finish()
            shards = writer.shards
        case let .built(configuration, maxSize, minCount, maxDistinctTokens):
            // One tokenizing pass: number tokens as they come, count them, write provisional
            // shards; then build the vocabulary and remap the numbers to its ids.
            let provisional = directory.appendingPathComponent(".provisional")
            try? FileManager.default.removeItem(at: provisional)
            try FileManager.default.createDirectory(at: provisional, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: provisional) }
            let chunkTokenizer = try ChunkTokenizer(configuration: configuration, options: encoding, workers: workers)
            // Not forced to disk: their ids are rewritten (or the shards copied) before the run ends.
            let provisionalWriter = TokenShardWriter(
                directory: provisional, sequencesPerShard: sequencesPerShard,
                durability: encoding.addBeginAndEnd ? .temporary : .idsRewrittenInPlace)
            var numbering = ProvisionalNumbering(maxDistinctTokens: maxDistinctTokens)
            let tokenized = reader.orderedConcurrentMap(maxConcurrency: workers) { try chunkTokenizer.tokenize($0) }
            for try await var chunk in tokenized {
                numbering.absorb(&chunk)
                try provisionalWriter.append(ids: chunk.ids, ends: chunk.ends)
                statistics.add(chunk.statistics)
                report.add(chunk.records)
                checksum.add(chunk.records)
                progress(chunk.records.progress, report.records)
            }
            try provisionalWriter.finish()
            vocabulary = try Vocabulary(
                counter: numbering.counter(), configuration: configuration, maxSize: maxSize, minCount: minCount)
            let remapper = ShardRemapper(
                map: numbering.finalIDs(for: vocabulary), addBeginAndEnd: encoding.addBeginAndEnd)
            let tokens: Int
            let unknown: Int
            let idWidth = TokenIDWidth.forVocabulary(size: vocabulary.count)
            if encoding.addBeginAndEnd {
                // Sequences grow by two ids: written anew.
                let writer = TokenShardWriter(
                    directory: directory, sequencesPerShard: sequencesPerShard, idWidth: idWidth)
                (tokens, unknown) = try remapper.remap(provisionalWriter.shards, in: provisional.path, into: writer)
                try writer.finish()
                shards = writer.shards
            } else {
                (tokens, unknown) = try remapper.remapInPlace(
                    provisionalWriter.shards, in: provisional.path, into: directory, idWidth: idWidth,
                    threads: workers)
                shards = provisionalWriter.shards
            }
            statistics.tokens = tokens
            statistics.unknownTokens = unknown
            pruned = (numbering.prunedDistinctTokens, numbering.prunedOccurrences)
        }
        let vocabularyURL = directory.appendingPathComponent("vocab.json")
        let huggingFaceURL = directory.appendingPathComponent("tokenizer.json")
        try vocabulary.save(to: vocabularyURL)
        let export = try vocabulary.exportHuggingFaceTokenizerIfExpressible(to: huggingFaceURL)

        var manifest = ShardManifest(
            inputs: readInputs.map { .init(path: $0.description, bytes: $0.fileSize) },
            recordsChecksum: checksum.text, reader: .init(readerOptions), tokenizer: vocabulary.configuration,
            encoding: encoding,
            vocabulary: .init(
                file: vocabularyURL.lastPathComponent,
                huggingFaceFile: export.isWritten ? huggingFaceURL.lastPathComponent : nil,
                hash: vocabulary.hash, size: vocabulary.count),
            counts: statistics, skippedRecords: report.skippedByKind, repairedRecords: report.repairedRecords,
            shards: shards)
        manifest.idWidth = .forVocabulary(size: vocabulary.count)
        manifest.partition = plan
        manifest.parts = parts.finished()
        try manifest.write(into: directory)
        return Outcome(
            manifest: manifest, vocabulary: vocabulary, report: report, huggingFace: export,
            prunedDistinctTokens: pruned.distinctTokens, prunedOccurrences: pruned.occurrences)
    }

    /// Refuses to touch a complete run unless ``overwrite``; with it, removes the manifest
    /// first (so an interrupted rewrite never looks complete) and the old shards.
    private func prepare(_ directory: URL) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw TokenShardsError.invalidOptions("'\(directory.path)' exists and is not a directory.")
            }
            let manifest = directory.appendingPathComponent(ShardManifest.fileName)
            if manager.fileExists(atPath: manifest.path) {
                guard overwrite else {
                    throw TokenShardsError.invalidOptions(
                        "'\(directory.path)' already holds a complete tokenization (manifest.json); pass --overwrite "
                            + "to replace it, or choose another --out."
                    )
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
}

extension HuggingFaceExport {
    /// Whether tokenizer.json was written.
    public var isWritten: Bool { if case .written = self { true } else { false } }
}
