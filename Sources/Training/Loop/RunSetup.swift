import Batching
import CorpusReader
import Embeddings
import Foundation
import Models
import NeuralCore
import Support
import TokenShards
import Tokenization

/// Everything before the first step: the run directory, the vocabulary (built by a streaming
/// pass or loaded), the embedding matrix, the model, and the sources — for a new run or a
/// resumed one.
public enum RunSetup {
    /// Files a run directory holds; `--overwrite` removes only these.
    static let runFiles = [
        RunManifest.fileName, RunManifest.vocabularyFile, RunManifest.earlierVocabularyFile, MetricsLog.fileName,
        RunSummary.fileName, ReportWriter.fileName, WordList.fileName, "checkpoints"
    ]

    /// Prepares a new run from `file` (already overridden by flags) into `runDirectory`.
    ///
    /// With a `group` (an `mpirun` job) every process builds the same vocabulary, model and
    /// sources from the same files, but only rank 0 prepares and writes the run directory.
    public static func start(
        file: PipelineFile, path: String, runDirectory: URL, overwrite: Bool, workers: Int,
        group: (any ProcessGroup)? = nil,
        events: @escaping (TrainerEvent) -> Void
    ) async throws -> Trainer {
        var pipeline = try ResolvedPipeline(file, path: path)
        let fileManager = FileManager.default
        let isLeader = (group?.rank ?? 0) == 0
        if !isLeader {
            // The other ranks write nothing; for a word list they wait for rank 0 to write it.
            if pipeline.words != nil {
                group?.barrier()
                pipeline = pipeline.readingWordList(in: runDirectory)
            }
        } else if fileManager.fileExists(atPath: runDirectory.appendingPathComponent(RunManifest.fileName).path)
            || fileManager.fileExists(atPath: runDirectory.appendingPathComponent("checkpoints").path)
        {
            guard overwrite else { throw TrainingError.runExists(runDirectory.path) }
            for name in runFiles { try? fileManager.removeItem(at: runDirectory.appendingPathComponent(name)) }
        }
        if isLeader { try fileManager.createDirectory(at: runDirectory, withIntermediateDirectories: true) }
        if isLeader, let words = pipeline.words {
            events(
                .note(
                    "Collecting the words of \(pipeline.source.inputs.map(\.description).joined(separator: ", ")) "
                        + "(\(words.source.rawValue), min count \(words.minCount), at most \(words.maxWords))…"
                ))
            let outcome = try await WordList.build(pipeline, settings: words, workers: workers, into: runDirectory)
            events(
                .note(
                    "Words: \(outcome.words) from \(outcome.records) records into \(WordList.fileName) "
                        + "(\(outcome.leftOut) distinct tokens left out: not letters, rarer than min_count or beyond "
                            + "max_words)."
                ))
            pipeline = pipeline.readingWordList(in: runDirectory)
        }
        if isLeader, pipeline.words != nil { group?.barrier() }

        let (vocabulary, source, tokenizer) = try await vocabularyAndSource(pipeline, workers: workers, events: events)
        if isLeader { try vocabulary.save(to: runDirectory.appendingPathComponent(RunManifest.vocabularyFile)) }

        var embeddingMatrix: Tensor? = nil
        var dimension = pipeline.model.embedding ?? pipeline.model.defaultEmbedding
        if let settings = pipeline.embeddings {
            events(.note("Loading vectors from \(settings.vectors) for \(vocabulary.count) vocabulary entries…"))
            var options = settings.options
            options.seed = pipeline.training.seed
            let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(
                from: CorpusInput(argument: settings.vectors))
            guard ResolvedPipeline.Limits.embedding.contains(matrix.dimension) else {
                throw TrainingError.invalidSetting(
                    "The vectors in \(settings.vectors) have \(matrix.dimension) dimensions; embeddings are limited "
                        + "to \(ResolvedPipeline.Limits.embedding.upperBound)."
                )
            }
            if let wanted = pipeline.model.embedding, wanted != matrix.dimension {
                throw TrainingError.invalidSetting(
                    "model.embedding is \(wanted) but the vectors in \(settings.vectors) have \(matrix.dimension) "
                        + "dimensions; set model.embedding to \(matrix.dimension) or leave it out."
                )
            }
            dimension = matrix.dimension
            let report = matrix.report
            events(
                .note(
                    String(
                        format:
                            "Vectors: %d × %d; %.1f%% of vocabulary types and %.1f%% of corpus tokens covered; %d "
                                + "lines skipped.",
                        matrix.rows, matrix.dimension, report.typeCoverage * 100, report.tokenCoverage * 100,
                        report.skippedTotal)))
            embeddingMatrix = Tensor(shape: [matrix.rows, matrix.dimension], matrix.values)
        }
        let configuration = pipeline.model.configuration(
            vocabularySize: vocabulary.count, embeddingDimension: dimension,
            freeze: pipeline.embeddings?.freeze ?? false)
        try pipeline.checkMemory(configuration)
        var rng = RandomGenerator(seed: pipeline.training.seed)
        let model = configuration.makeModel(embeddings: embeddingMatrix, rng: &rng)
        if isLeader {
            try RunManifest(
                pipelineFile: path, pipeline: file, model: configuration, tokenizer: tokenizer,
                vocabularyHash: vocabulary.hash
            )
            .write(into: runDirectory)
        }
        let validationSource = try validationSource(
            pipeline, vocabulary: vocabulary, tokenizer: tokenizer, workers: workers)
        return try Trainer(
            pipeline: pipeline, runDirectory: runDirectory, model: model, configuration: configuration,
            vocabulary: vocabulary, source: source, validationSource: validationSource, resume: nil, group: group,
            events: events)
    }

    /// Prepares to continue the run in `runDirectory` from its latest checkpoint (or `checkpoint`),
    /// with the pipeline it was started with; `adjust` may change only the limits (epochs,
    /// steps, minutes), which do not affect what an uninterrupted run would have done.
    public static func resume(
        runDirectory: URL, checkpoint: URL? = nil, workers: Int, group: (any ProcessGroup)? = nil,
        adjust: (inout PipelineFile) -> Void = { _ in },
        events: @escaping (TrainerEvent) -> Void
    ) async throws -> Trainer {
        let manifest = try RunManifest.read(from: runDirectory)
        let chosen: CheckpointStore.Checkpoint
        if let checkpoint {
            chosen = try CheckpointStore.read(checkpoint)
        } else {
            guard let latest = try CheckpointStore(runDirectory: runDirectory).latest() else {
                throw TrainingError.incompatibleResume("\(runDirectory.path) has no complete checkpoint yet")
            }
            chosen = latest
        }
        var file = manifest.pipeline
        adjust(&file)
        var pipeline = try ResolvedPipeline(file, path: manifest.pipelineFile)
        if pipeline.words != nil { pipeline = pipeline.readingWordList(in: runDirectory) }
        // Another number of processes than the checkpoint's: keep the global batch's slices (and
        // so the run's results) by giving each process its share of them, when they divide.
        let processes = group.map { max(1, $0.size) } ?? 1
        let before = chosen.state.worldSize ?? 1
        if before != processes {
            let slices = chosen.state.slices ?? before * pipeline.training.batchShards
            if slices % processes == 0, (1...64).contains(slices / processes) {
                pipeline.training.batchShards = slices / processes
            }
        }
        let vocabulary: Vocabulary
        let vocabularyURL = RunManifest.vocabularyURL(in: runDirectory)
        do {
            vocabulary = try Vocabulary.load(from: vocabularyURL)
        } catch {
            throw TrainingError.incompatibleResume("the run's vocabulary cannot be read: \(error.localizedDescription)")
        }
        guard vocabulary.hash == manifest.vocabularyHash else {
            throw TrainingError.incompatibleResume(
                "\(vocabularyURL.lastPathComponent) was changed since the run started")
        }
        let source = try sequenceSource(
            pipeline, vocabulary: vocabulary, tokenizer: manifest.tokenizer, workers: workers)
        try pipeline.checkMemory(manifest.model)
        var rng = RandomGenerator(seed: pipeline.training.seed)
        let model = manifest.model.makeModel(rng: &rng)
        let validationSource = try validationSource(
            pipeline, vocabulary: vocabulary, tokenizer: manifest.tokenizer, workers: workers)
        events(
            .note(
                "Resuming \(runDirectory.path) at step \(chosen.state.step) (epoch \(chosen.state.epoch + 1), batch "
                    + "\(chosen.state.batchesConsumed))."
            ))
        return try Trainer(
            pipeline: pipeline, runDirectory: runDirectory, model: model, configuration: manifest.model,
            vocabulary: vocabulary, source: source, validationSource: validationSource, resume: chosen, group: group,
            events: events)
    }

    static func sequenceSource(
        _ pipeline: ResolvedPipeline, vocabulary: Vocabulary, tokenizer: TokenizerConfiguration, workers: Int
    ) throws -> SequenceSource {
        if let shards = pipeline.source.shardDirectory {
            return .shards(directory: shards, vocabularySize: vocabulary.count)
        }
        return .live(
            inputs: pipeline.source.inputs, reader: pipeline.source.reader, tokenizer: tokenizer,
            vocabulary: vocabulary,
            encoding: pipeline.tokenizer.encoding, workers: workers)
    }

    static func validationSource(
        _ pipeline: ResolvedPipeline, vocabulary: Vocabulary, tokenizer: TokenizerConfiguration, workers: Int
    ) throws -> SequenceSource? {
        guard !pipeline.source.validationInputs.isEmpty else { return nil }
        return .live(
            inputs: pipeline.source.validationInputs, reader: pipeline.source.reader, tokenizer: tokenizer,
            vocabulary: vocabulary,
            encoding: pipeline.tokenizer.encoding, workers: workers)
    }

    /// The vocabulary (from the shards, a file, or a streaming counting pass) and the training source.
    static func vocabularyAndSource(_ pipeline: ResolvedPipeline, workers: Int, events: (TrainerEvent) -> Void)
        async throws
        -> (Vocabulary, SequenceSource, TokenizerConfiguration)
    {
        if let shards = pipeline.source.shardDirectory {
            let manifest = try ShardManifest.read(from: shards)
            let vocabulary = try Vocabulary.load(from: shards.appendingPathComponent(manifest.vocabulary.file))
            guard manifest.vocabulary.size == vocabulary.count else {
                throw TrainingError.invalidSetting(
                    "The shard manifest in \(shards.path) records a vocabulary of \(manifest.vocabulary.size) ids, "
                        + "but \(manifest.vocabulary.file) holds \(vocabulary.count); the directory was changed after "
                            + "'vae-pipeline tokenize'. Tokenize the corpus again."
                )
            }
            events(
                .note(
                    "Training from the token shards in \(shards.path): \(manifest.counts.sequences) sequences, "
                        + "vocabulary of \(vocabulary.count)."
                ))
            return (vocabulary, .shards(directory: shards, vocabularySize: vocabulary.count), manifest.tokenizer)
        }
        let tokenizer = pipeline.tokenizer.configuration
        let vocabulary: Vocabulary
        if let file = pipeline.vocabulary.file {
            vocabulary = try Vocabulary.load(from: URL(fileURLWithPath: file))
            guard vocabulary.configuration == tokenizer else {
                throw TrainingError.invalidSetting(
                    "The vocabulary \(file) was built with different tokenizer settings "
                        + "(\(vocabulary.configuration.level.rawValue), "
                            + "\(vocabulary.configuration.normalization.rawValue)) than the pipeline's; use the same "
                                + "tokenizer section or rebuild it."
                )
            }
            events(.note("Vocabulary: \(vocabulary.count) entries from \(file)."))
        } else {
            events(
                .note(
                    "Building the vocabulary (one streaming pass over "
                        + "\(pipeline.source.inputs.map(\.description).joined(separator: ", ")))…"
                ))
            let reader = try CorpusReader(inputs: pipeline.source.inputs, options: pipeline.source.reader)
            let pass = VocabularyPass(
                configuration: tokenizer, maxSize: pipeline.vocabulary.maxSize, minCount: pipeline.vocabulary.minCount,
                maxDistinctTokens: pipeline.vocabulary.maxDistinctTokens, workers: workers)
            let outcome = try await pass.run(reader)
            vocabulary = outcome.vocabulary
            let skipped = outcome.report.skipped
            events(
                .note(
                    "Vocabulary: \(vocabulary.count) entries (4 special) from \(outcome.counter.totalOccurrences) "
                        + "tokens in \(outcome.report.records) "
                            + "records\(skipped > 0 ? "; \(skipped) records skipped" : "")."
                ))
        }
        let source = try sequenceSource(pipeline, vocabulary: vocabulary, tokenizer: tokenizer, workers: workers)
        return (vocabulary, source, tokenizer)
    }
}
