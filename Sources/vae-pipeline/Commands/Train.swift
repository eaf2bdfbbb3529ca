import ArgumentParser
import Foundation
import Models
import NeuralCore
import Training

extension VAEPipeline {
    /// `vae-pipeline train`: trains the sentence VAE from a pipeline file, streaming the corpus.
    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the sentence VAE (Bowman et al. 2016), streaming the corpus every epoch.",
            discussion: """
                Settings come from a pipeline file (see pipelines/); flags override it. With \
                --stream (the default) each epoch reads, tokenizes and batches the corpus on the \
                fly — memory does not grow with the corpus; with data.shards (or --shards) it reads \
                the token shards written by 'vae-pipeline tokenize'.
                The run directory receives run.json, vocab.json, metrics.jsonl, \
                checkpoints/ (atomic, with checksums verified on loading; keep-last-K and best by \
                validation), summary.json and report.html. --resume RUN continues a stopped run \
                exactly where it was; only --epochs, --max-steps and --max-minutes may change then.

                Bounds (checked before anything is allocated): latent 1–4096, hidden sizes and \
                encoder dense 1–16384, embedding 1–4096, layers 1–16, batch size 1–65536, max \
                length 1–10000, vocabulary max_size 5–2000000, learning rate above 0 and at most \
                10; the model and one batch must also fit the available memory (MemAvailable). \
                A run whose loss or gradient norm climbs 100 times above its recent level (the \
                loss per token 10 times above the first step's), whose weights jump 100-fold in a \
                step, or that produces NaN stops at once, naming the step and the figure and \
                keeping only the checkpoints that passed these checks.
                """
        )

        @Argument(
            help: ArgumentHelp("A pipeline file (e.g. pipelines/web-sentences.yaml).", valueName: "pipeline.yaml"))
        var pipeline: String?

        @Flag(
            help: """
                Stream batches from the corpus each epoch (read → tokenize → batch, never holding the corpus). \
                This is the default mode; the flag only states it, and cannot be combined with --shards.
                """
        )
        var stream = false

        @Option(
            help: ArgumentHelp(
                "Train from token shards written by 'vae-pipeline tokenize' instead of the live corpus.",
                valueName: "dir"))
        var shards: String?

        @Option(
            name: .customLong("input"),
            help: ArgumentHelp(
                "A corpus file (repeatable): replaces the pipeline's data.inputs, or trains without a pipeline file.",
                valueName: "file"))
        var inputs: [String] = []

        @Option(
            help: ArgumentHelp(
                "The run directory (default: the pipeline's output, else runs/<pipeline name>).", valueName: "dir"))
        var out: String?

        @Option(
            help: ArgumentHelp(
                """
                Continue the run in this directory from its latest checkpoint \
                (or give a checkpoints/step-… directory).
                """,
                valueName: "run"))
        var resume: String?

        @Flag(help: "Start over in a run directory that already holds a run.")
        var overwrite = false

        @Option(help: "Number of passes over the corpus.")
        var epochs: Int?

        @Option(help: "Stop after this many optimiser steps in total.")
        var maxSteps: Int?

        @Option(help: "Stop after this many minutes of training (a final checkpoint, validation and report follow).")
        var maxMinutes: Double?

        @Option(help: "Sentences per batch (1–65536).")
        var batchSize: Int?

        @Option(help: "The optimiser's learning rate (above 0, at most 10).")
        var learningRate: Float?

        @Option(help: "Clip the gradients' global L2 norm to this (0: no clipping); overrides training.clip_norm.")
        var clipNorm: Float?

        @Option(
            help: ArgumentHelp(
                "The model: sentence_vae (default), char_vae, vrnn, word_vae or lstm_lm; overrides model.type.",
                valueName: "type"))
        var model: String?

        @Option(help: "Size of the latent code z (1–4096).")
        var latent: Int?

        @Option(help: "The VRNN's and the language model's recurrent width (model.hidden).")
        var hidden: Int?

        @Option(
            help: """
                Character VAE: probability of feeding the true previous character in training \
                (model.teacher_forcing, 0–1).
                """
        )
        var teacherForcing: Float?

        @Option(help: "Character models: train on windows of this many characters of the stream (batching.window).")
        var window: Int?

        @Option(help: "With --window: the step between windows (batching.stride; default: the window).")
        var stride: Int?

        @Option(help: "Seed of initialisation, shuffling and sampling.")
        var seed: UInt64?

        @Option(help: "Validate every this many steps.")
        var validateEvery: Int?

        @Option(
            help: """
                Cut each batch into this many slices trained concurrently on model replicas \
                (results depend on it, not on the cores).
                """
        )
        var batchShards: Int?

        @Option(help: "Checkpoint every this many steps.")
        var checkpointEvery: Int?

        @Option(
            help: ArgumentHelp(
                "Initialise word embeddings from these vectors (GloVe/word2vec/fastText).", valueName: "file"))
        var vectors: String?

        @OptionGroup var workers: WorkerOptions

        @Flag(help: "Print only the final figures.")
        var quiet = false

        func validate() throws {
            if pipeline == nil && inputs.isEmpty && shards == nil && resume == nil {
                throw ValidationError(
                    "Name a pipeline file (e.g. pipelines/web-sentences.yaml), corpus files with --input, "
                        + "token shards with --shards, or a run to --resume."
                )
            }
            if stream && shards != nil {
                throw ValidationError(
                    "--stream reads the corpus itself and --shards reads token shards; give one of them.")
            }
            if let model, ModelKind(rawValue: model) == nil {
                let names = ModelKind.allCases.map(\.rawValue)
                let list = names.dropLast().joined(separator: ", ") + " or " + names.last!
                throw ValidationError("--model must be \(list); '\(model)' was given.")
            }
            if resume != nil {
                // A resumed run must go on exactly as the uninterrupted one would have, so every
                // setting that shapes the model, the data or the steps is the run's own.
                let given = settings.filter { $0.isGiven && !$0.mayChangeOnResume }.map(\.name)
                if !given.isEmpty {
                    throw ValidationError(
                        "--resume continues a run with the settings it was started with, so "
                            + "\(given.joined(separator: ", ")) cannot be given with it "
                            + "(changing \(given.count == 1 ? "it" : "them") would make the run differ from an "
                            + "uninterrupted one); only --epochs, --max-steps and --max-minutes may change. "
                            + "To train with other settings, start a new run."
                    )
                }
            }
            for (name, value) in [
                ("--epochs", epochs), ("--max-steps", maxSteps), ("--batch-size", batchSize), ("--latent", latent),
                ("--validate-every", validateEvery), ("--checkpoint-every", checkpointEvery),
                ("--batch-shards", batchShards), ("--hidden", hidden), ("--window", window), ("--stride", stride)
            ] {
                if let value, value < 1 { throw ValidationError("\(name) must be at least 1; \(value) was given.") }
            }
            if let maxMinutes, !(maxMinutes > 0) { throw ValidationError("--max-minutes must be positive.") }
            if let clipNorm, !(clipNorm >= 0 && clipNorm.isFinite) {
                throw ValidationError(
                    "--clip-norm must be 0 (no clipping) or a positive number; \(clipNorm) was given.")
            }
            if let teacherForcing, !(0...1).contains(teacherForcing) {
                throw ValidationError("--teacher-forcing must be between 0 and 1; \(teacherForcing) was given.")
            }
            if stride != nil && window == nil {
                throw ValidationError("--stride applies to character windows; give --window too.")
            }
            if let learningRate, !(learningRate > 0) {
                throw ValidationError("--learning-rate must be positive; \(learningRate) was given.")
            }
        }

        func run() async throws {
            // Under mpirun: join the job (an error when Open MPI cannot be loaded). A rank that
            // fails says so with its number and ends the whole job, so no rank waits forever.
            let world: MPIWorld?
            do {
                world = try MPIWorld.join()
            } catch {
                let rank = MPIWorld.launch().map { "rank \($0.rank) of \($0.size): " } ?? ""
                FileHandle.standardError.write(Data("\(rank)Error: \(error.localizedDescription)\n".utf8))
                Foundation.exit(1)
            }
            guard let world else { return try await train(world: nil) }
            guard world.size > 1 else {
                // `mpirun -np 1`: one process as without mpirun, but MPI was started, so end it.
                defer { world.finalize() }
                return try await train(world: nil)
            }
            do {
                try await train(world: world)
                world.finalize()
            } catch {
                FileHandle.standardError.write(
                    Data("rank \(world.rank) of \(world.size): Error: \(error.localizedDescription)\n".utf8))
                world.abort(code: 1)
            }
        }

        private func train(world: MPIWorld?) async throws {
            // Only rank 0 prints (and writes the run's files); the others stay silent.
            let printer = TrainingPrinter(quiet: quiet, silent: (world?.rank ?? 0) != 0)
            for line in LinearAlgebra.machineDescription.split(separator: "\n") { printer.note(String(line)) }
            if let world {
                printer.note(
                    "\(MPIWorld.versionLine): the \(world.size) processes share every (global) batch; "
                        + "rank 0 validates and writes the run."
                )
            }
            let trainer: Trainer
            let started = ContinuousClock.now
            if let resume {
                let url = URL(fileURLWithPath: resume).standardizedFileURL
                let isCheckpoint = FileManager.default.fileExists(
                    atPath: url.appendingPathComponent(CheckpointStore.stateFile).path)
                let runDirectory = isCheckpoint ? url.deletingLastPathComponent().deletingLastPathComponent() : url
                trainer = try await RunSetup.resume(
                    runDirectory: runDirectory, checkpoint: isCheckpoint ? url : nil, workers: workers.workers,
                    group: world, adjust: applyLimits, events: printer.handle)
            } else {
                let path = pipeline ?? "<command line>"
                let base = try pipeline.map { try PipelineFile.load(from: $0) } ?? PipelineFile(data: DataSection())
                let file = overridden(base)
                let resolved = try ResolvedPipeline(file, path: path)
                let runDirectory = URL(fileURLWithPath: resolved.output).standardizedFileURL
                printer.note("Run directory: \(runDirectory.path)")
                trainer = try await RunSetup.start(
                    file: file, path: path, runDirectory: runDirectory, overwrite: overwrite,
                    workers: workers.workers, group: world, events: printer.handle)
            }
            let parameterCount = trainer.model.namedParameters.reduce(0) { $0 + $1.parameter.value.count }
            let trainable = trainer.model.namedParameters.filter(\.parameter.isTrainable).reduce(0) {
                $0 + $1.parameter.value.count
            }
            let latent =
                trainer.configuration.sequenceLatent.map { ", latent \($0)" }
                ?? (trainer.configuration.kind == .vrnn ? ", a latent per step" : "")
            printer.note(
                "Model: \(trainer.configuration.kind.displayName), \(Format.count(parameterCount)) parameters "
                    + "(\(Format.count(trainable)) trained), "
                    + "vocabulary \(Format.count(trainer.vocabulary.count))\(latent)."
            )
            let reason = try await trainer.run()
            printer.finishProgress()
            if let world {
                let c = trainer.communication
                if c.steps > 0 {
                    let steps = Double(c.steps)
                    printer.say(
                        String(
                            format:
                                "MPI: %d processes × %d slice%@; reductions %.2f ms per step "
                                + "(%.2f ms of it waiting for the other ranks, %.2f ms moving data), "
                                + "%@ per step and process.",
                            world.size, trainer.pipeline.training.batchShards,
                            trainer.pipeline.training.batchShards == 1 ? "" : "s",
                            c.seconds / steps * 1000, c.waitingSeconds / steps * 1000,
                            (c.seconds - c.waitingSeconds) / steps * 1000, Format.bytes(Int64(c.bytes / c.steps))))
                }
            }
            let state = trainer.state
            let seconds = started.duration(to: .now).seconds
            printer.say(
                "Stopped: \(reason.rawValue) — step \(Format.count(state.step)), "
                    + "epoch \(state.epoch + (reason == .epochs ? 0 : 1)), \(Format.count(state.tokensSeen)) tokens "
                    + "in \(Format.duration(state.elapsedSeconds)) of training "
                    + "(\(Format.duration(seconds)) this session)."
            )
            let runDirectory = trainer.runDirectory
            if let summary = try? JSONDecoder().decode(
                RunSummary.self, from: Data(contentsOf: runDirectory.appendingPathComponent(RunSummary.fileName)))
            {
                printer.printSummary(summary)
            }
            printer.say("Report: \(runDirectory.appendingPathComponent(ReportWriter.fileName).path)")
            printer.say("Try:    vae-pipeline sample \(runDirectory.path) --count 5")
        }
    }
}

/// Prints the trainer's events: a progress line on standard error, validation figures and text
/// on standard output.
final class TrainingPrinter: @unchecked Sendable {
    // @unchecked: events arrive on the training task only.
    private let quiet: Bool
    /// Nothing at all (the ranks of an mpirun job other than 0).
    private let silent: Bool
    private let interactive = isatty(2) != 0
    private var drewProgress = false
    private var lastLine = ContinuousClock.now - .seconds(60)

    init(quiet: Bool, silent: Bool = false) {
        self.quiet = quiet || silent
        self.silent = silent
    }

    /// A line on standard output, written at once (not held in stdio's buffer), so a log file
    /// (nohup, CI) shows validations as they happen.
    func say(_ text: String) {
        guard !silent else { return }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func note(_ text: String) {
        guard !quiet else { return }
        finishProgress()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func finishProgress() {
        if drewProgress && interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drewProgress = false
    }

    var handle: (TrainerEvent) -> Void { { [self] event in self.receive(event) } }

    private func receive(_ event: TrainerEvent) {
        switch event {
        case .note(let text):
            note(text)
        case .progress(let p):
            guard !quiet else { return }
            var text = "epoch \(p.epoch + 1)/\(p.epochs)"
            if let fraction = p.epochFraction { text += " (\(Int(fraction * 100))%)" }
            text += " · step \(Format.count(p.step))\(p.maxSteps.map { "/\(Format.count($0))" } ?? "")"
            text += " · \(Format.count(Int(p.tokensPerSecond))) tok/s"
            text += String(
                format: " · loss %.2f = rec %.2f + β %.3f × KL %.2f", p.loss, p.reconstruction, p.beta, p.kl)
            if let eta = p.etaSeconds { text += " · ETA \(Format.duration(eta))" }
            if interactive {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
                drewProgress = true
            } else if ContinuousClock.now - lastLine > .seconds(10) {
                // Logs (CI, nohup) get a line every ten seconds rather than a line per update.
                lastLine = .now
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
        case .validation(let step, let summary, let reconstructions, let samples):
            guard !quiet else { return }
            finishProgress()
            say(
                String(
                    format:
                        "validation @ step %@: −ELBO %.2f (rec %.2f + KL %.2f) · perplexity ≤ %.1f "
                        + "· active units %d/%d · MI %.2f · %d sentences",
                    Format.count(step), summary.loss, summary.reconstruction, summary.kl, summary.perplexity,
                    summary.activeUnits, summary.latent, summary.mutualInformation ?? .nan, summary.sentences))
            for item in reconstructions.prefix(3) {
                say(
                    "  in:  \(Format.oneLine(item.input, limit: 100))\n"
                        + "  out: \(Format.oneLine(item.output, limit: 100))"
                )
            }
            for sample in samples.prefix(3) { say("  sample: \(Format.oneLine(sample, limit: 100))") }
        case .checkpoint(let path, let best):
            if best { note("new best validation: \(path)") } else { note("checkpoint: \(path)") }
        case .epochFinished(let epoch, let report):
            var text =
                "epoch \(epoch + 1) done: \(Format.count(report.sequences)) sequences, "
                + "\(Format.count(report.batches)) batches"
            if report.droppedTooLong > 0 { text += ", \(Format.count(report.droppedTooLong)) too long (dropped)" }
            if report.truncated > 0 { text += ", \(Format.count(report.truncated)) truncated" }
            if report.droppedEmpty > 0 { text += ", \(Format.count(report.droppedEmpty)) empty" }
            let skipped = report.skippedRecords.values.reduce(0, +)
            if skipped > 0 {
                text +=
                    ", \(Format.count(skipped)) records skipped ("
                    + report.skippedRecords.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(
                        separator: ", ") + ")"
            }
            note(text)
        }
    }

    func printSummary(_ summary: RunSummary) {
        let kind = summary.model.flatMap(ModelKind.init(rawValue:)) ?? .sentenceVAE
        let unit = kind == .wordVAE ? "word" : kind.readsCharacters ? "sequence" : "sentence"
        if let v = summary.validation {
            if let bits = summary.bitsPerCharacter {
                let what = kind == .languageModel ? "NLL" : "−ELBO"
                let latent =
                    kind == .characterVAE ? String(format: ", active units %d of %d", v.activeUnits, v.latent) : ""
                say(
                    String(
                        format:
                            "Validation: %.3f bits per character (%@ of %d characters; "
                            + "reconstruction %.2f, KL %.2f nats per sequence)%@.",
                        bits, what, v.tokens, v.reconstruction, v.kl, latent))
            } else {
                say(
                    String(
                        format:
                            "Validation: −ELBO %.2f per %@ (reconstruction %.2f, KL %.2f), perplexity ≤ %.1f, "
                            + "active units %d of %d.",
                        v.loss, unit, v.reconstruction, v.kl, v.perplexity, v.activeUnits, v.latent))
            }
        }
        if let f1 = summary.reconstructionF1 {
            say(
                String(
                    format:
                        "Reconstruction: token F1 %.3f between %d validation %@s and their greedy reconstructions "
                        + "from the posterior mean.",
                    f1, ReconstructionScore.sentences, unit))
        }
        if let words = summary.words {
            say(
                String(
                    format:
                        "Of %d words sampled from the prior: %.1f%% new (not in the word list), %.1f%% known words, "
                        + "%.1f%% empty; mean length %.1f letters (the list's: %.1f).",
                    words.samples, words.novelShare * 100, words.knownShare * 100, words.emptyShare * 100,
                    words.meanSampleLength, words.meanWordLength))
            say("Invented words: " + words.novelExamples.prefix(12).joined(separator: ", "))
        }
        if !summary.samples.isEmpty {
            let greedy = kind == .vrnn || kind == .languageModel ? "sampled" : "greedy"
            say("Samples from the prior (\(greedy)):")
            for sample in summary.samples.prefix(6) {
                say("  • " + sample.replacingOccurrences(of: "\n", with: "\n    "))
            }
        }
        if !summary.reconstructions.isEmpty {
            say("Reconstructions of validation \(unit)s:")
            for item in summary.reconstructions.prefix(4) {
                say(
                    "  " + item.input.replacingOccurrences(of: "\n", with: "⏎") + "\n    → "
                        + item.output.replacingOccurrences(of: "\n", with: "⏎"))
            }
        }
        if !summary.interpolation.isEmpty {
            say("Interpolation:")
            for line in summary.interpolation { say("  \(line)") }
        }
    }
}
