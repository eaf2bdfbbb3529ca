import Foundation
import Testing

/// `vae-pipeline train` and the commands that use a trained run, end to end on a slice of the
/// shipped web sentences with a tiny model (seconds, not minutes).
@Suite(.serialized) struct TrainCommandTests {
    /// A temporary directory with a 3,000-sentence corpus and a tiny pipeline file.
    struct Fixture {
        let directory: URL
        var corpus: URL { directory.appendingPathComponent("sentences.txt") }
        var pipeline: URL { directory.appendingPathComponent("tiny.yaml") }

        init(maxSteps: Int = 40, extra: String = "") throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let lines = try CommandRunner.runTool([
                "gzip", "-dc", corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
            ])
            .split(separator: "\n").prefix(3000)
            try (lines.joined(separator: "\n") + "\n").write(to: corpus, atomically: true, encoding: .utf8)
            try """
            name: tiny
            data: {inputs: [sentences.txt], validation_fraction: 0.1, validation_max_sentences: 64}
            tokenizer: {level: word, lowercase: true}
            vocabulary: {max_size: 600, min_count: 2}
            batching: {batch_size: 16, max_length: 12, over_length: drop, bucket_boundaries: [6, 9], \
            shuffle_buffer: 200}
            model:
              embedding: 16
              encoder: {cell: lstm, hidden: 24}
              latent: 4
              decoder: {cell: gru, hidden: 24}
              word_dropout: 0.2
            training:
              epochs: 50
              max_steps: \(maxSteps)
              optimizer: {learning_rate: 0.005}
              kl_annealing: {schedule: linear, steps: 30}
              validate_every: 20
              checkpoint_every: 20
              log_every: 5
              keep_last: 5
              seed: 3
              samples: 2
            \(extra)
            output: run
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        }

        var run: URL { directory.appendingPathComponent("run") }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func trainsWritesARunAndTheAfterTrainingCommandsUseIt() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let result = try CommandRunner.run(["train", "--stream", fixture.pipeline.path, "--workers", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Stopped: step limit reached — step 40"))
        #expect(result.standardOutput.contains("validation @ step 20"))
        for file in [
            "run.json", "vocab.json", "metrics.jsonl", "summary.json", "report.html",
            "checkpoints/step-00000040/model.safetensors", "checkpoints/step-00000040/optimizer.safetensors",
            "checkpoints/best/state.json"
        ] {
            #expect(FileManager.default.fileExists(atPath: fixture.run.appendingPathComponent(file).path), "\(file)")
        }
        let metrics = try String(contentsOf: fixture.run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains("\"kind\":\"validation\""))
        #expect(metrics.contains("\"tokens_per_second\""))
        let report = try String(contentsOf: fixture.run.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("<svg"))

        let run = fixture.run.path
        let sample = try CommandRunner.run(["sample", run, "--count", "3", "--decoding", "sample", "--top-k", "5"])
        #expect(sample.status == 0, "\(sample.standardError)")
        #expect(sample.standardOutput.split(separator: "\n").count == 3)

        let reconstruct = try CommandRunner.run(["reconstruct", run, "god saw the light.", "and there was light."])
        #expect(reconstruct.status == 0, "\(reconstruct.standardError)")
        #expect(reconstruct.standardOutput.components(separatedBy: "→").count == 3)

        let npy = fixture.directory.appendingPathComponent("z.npy")
        let encode = try CommandRunner.run(
            ["encode", run, "--out", npy.path], standardInput: Data("god saw the light.\nthe earth was empty.\n".utf8))
        #expect(encode.status == 0, "\(encode.standardError)")
        let bytes = try Data(contentsOf: npy)
        #expect(bytes.count == 128 + 2 * 4 * 4, "2 sentences × latent 4 float32 after a 128-byte header")

        let interpolate = try CommandRunner.run([
            "interpolate", run, "god saw the light.", "the earth was empty.", "--steps", "4"
        ])
        #expect(interpolate.status == 0, "\(interpolate.standardError)")
        #expect(interpolate.standardOutput.split(separator: "\n").count == 4)

        let neighbors = try CommandRunner.run([
            "neighbors", run, "god saw the light.", "--corpus", fixture.corpus.path, "--top", "3"
        ])
        #expect(neighbors.status == 0, "\(neighbors.standardError)")
        #expect(neighbors.standardOutput.split(separator: "\n").count == 3)
        #expect(neighbors.standardError.contains("Scored 3,000 sentences"))

        let eval = try CommandRunner.run([
            "eval", run, "--corpus", fixture.corpus.path, "--samples", "5", "--max-sentences", "50", "--json"
        ])
        #expect(eval.status == 0, "\(eval.standardError)")
        let figures = try JSONSerialization.jsonObject(with: Data(eval.standardOutput.utf8)) as? [String: Any]
        let elbo = try #require(figures?["negative_elbo"] as? Double)
        let iw = try #require(figures?["iw_nll"] as? Double)
        #expect(figures?["sentences"] as? Int == 50)
        #expect(iw <= elbo + 1e-6, "the importance-weighted bound is tighter than the ELBO")

        let again = try CommandRunner.run(["train", fixture.pipeline.path])
        #expect(again.status != 0)
        #expect(again.standardError.contains("already holds a run"))

        let reportCommand = try CommandRunner.run(["report", run])
        #expect(reportCommand.status == 0)
    }

    /// An autoencoder phase of 15 steps, then a fresh decoder: the reset is announced once and
    /// is part of the exact resume (a run stopped at step 10, before the reset, and one stopped
    /// at step 20, after it, both end as the uninterrupted run).
    @Test func autoencoderPhaseThenAFreshDecoderResumesExactly() throws {
        let pretrain = "  pretrain: {steps: 15}"
        let whole = try Fixture(maxSteps: 30, extra: pretrain)
        defer { whole.remove() }
        let a = try CommandRunner.run(["train", whole.pipeline.path, "--workers", "2"])
        #expect(a.status == 0, "\(a.standardError)")
        #expect(
            a.standardOutput.components(separatedBy: "the autoencoder phase is over").count == 2
                || a.standardError.components(separatedBy: "the autoencoder phase is over").count == 2,
            "\(a.standardOutput)")
        let final = "checkpoints/step-00000030/model.safetensors"
        let expected = try Data(contentsOf: whole.run.appendingPathComponent(final))
        for stop in [10, 20] {
            let parts = try Fixture(maxSteps: stop, extra: pretrain)
            defer { parts.remove() }
            let b1 = try CommandRunner.run(["train", parts.pipeline.path, "--workers", "2"])
            #expect(b1.status == 0, "\(b1.standardError)")
            let b2 = try CommandRunner.run(["train", "--resume", parts.run.path, "--max-steps", "30", "--workers", "2"])
            #expect(b2.status == 0, "\(b2.standardError)")
            #expect(try Data(contentsOf: parts.run.appendingPathComponent(final)) == expected, "stopped at \(stop)")
        }
    }

    /// Aggressive inference-network training: encoder-only rounds consume the stream's batches
    /// (counted in the checkpoint's state) and resume exactly; without validation data it is
    /// refused with a sentence.
    @Test func aggressiveInferenceRoundsResumeExactly() throws {
        let aggressive = "  aggressive_inference: {max_encoder_updates: 6, check_every: 2}"
        let whole = try Fixture(maxSteps: 60, extra: aggressive)
        defer { whole.remove() }
        let a = try CommandRunner.run(["train", whole.pipeline.path, "--workers", "2"])
        #expect(a.status == 0, "\(a.standardError)")
        let final = "checkpoints/step-00000060"
        let stateData = try Data(contentsOf: whole.run.appendingPathComponent(final + "/state.json"))
        let state = try JSONSerialization.jsonObject(with: stateData) as? [String: Any]
        let encoderUpdates = try #require(state?["encoderUpdates"] as? Int)
        #expect(encoderUpdates >= 60, "at least one encoder update before each step: \(encoderUpdates)")
        #expect(state?["aggressiveInference"] is Bool)
        // 60 steps of rounds of 2–6 batches cross the first epoch's end, where the mutual
        // information is measured.
        #expect(state?["aggressiveMutualInformation"] is Double, "\(state ?? [:])")
        let expected = try Data(contentsOf: whole.run.appendingPathComponent(final + "/model.safetensors"))
        let parts = try Fixture(maxSteps: 10, extra: aggressive)
        defer { parts.remove() }
        let b1 = try CommandRunner.run(["train", parts.pipeline.path, "--workers", "2"])
        #expect(b1.status == 0, "\(b1.standardError)")
        let b2 = try CommandRunner.run(["train", "--resume", parts.run.path, "--max-steps", "60", "--workers", "2"])
        #expect(b2.status == 0, "\(b2.standardError)")
        #expect(try Data(contentsOf: parts.run.appendingPathComponent(final + "/model.safetensors")) == expected)

        let noValidation = try Fixture(maxSteps: 5, extra: aggressive)
        defer { noValidation.remove() }
        let yaml = try String(contentsOf: noValidation.pipeline, encoding: .utf8)
            .replacingOccurrences(of: "validation_fraction: 0.1", with: "validation_fraction: 0")
        try yaml.write(to: noValidation.pipeline, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.run(["train", noValidation.pipeline.path])
        #expect(refused.status != 0)
        #expect(
            refused.standardError.contains("training.aggressive_inference needs it to decide when to stop"),
            "\(refused.standardError)")
    }

    /// A decaying learning rate follows the step budget (the metrics show each step's rate), and a
    /// run resumed from a mid-run checkpoint ends with the uninterrupted run's weights.
    @Test func learningRateDecayFollowsTheBudgetAndResumesExactly() throws {
        let whole = try Fixture(maxSteps: 40)
        defer { whole.remove() }
        let yaml = try String(contentsOf: whole.pipeline, encoding: .utf8)
        let decayed = yaml.replacingOccurrences(
            of: "optimizer: {learning_rate: 0.005}",
            with: "optimizer: {learning_rate: 0.005, decay: {shape: linear, after: 0.25, to: 0.1}}")
        #expect(decayed != yaml)
        try decayed.write(to: whole.pipeline, atomically: true, encoding: .utf8)
        let a = try CommandRunner.run(["train", whole.pipeline.path, "--workers", "2"])
        #expect(a.status == 0, "\(a.standardError)")
        let summary = try String(contentsOf: whole.run.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("falling linearly to 10% of it after 25% of the budget"), "\(summary)")

        var rates: [Int: Double] = [:]
        let metrics = try String(contentsOf: whole.run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        for line in metrics.split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard record?["kind"] as? String == "train", let step = record?["step"] as? Int else { continue }
            rates[step] = record?["learning_rate"] as? Double
        }
        // Step 5 starts 4/40 of the way through the budget, before the fall; step 40 starts at
        // 39/40: 1 − 0.9 · (0.975 − 0.25) / 0.75 = 0.13 of the rate.
        #expect(rates[5] == Double(Float(0.005)), "\(rates)")
        #expect(abs((rates[40] ?? 0) - 0.005 * 0.13) < 1e-8, "\(rates)")
        #expect((rates[20] ?? 0) < (rates[10] ?? 0))

        let resumed = whole.directory.appendingPathComponent("resumed")
        try FileManager.default.copyItem(at: whole.run, to: resumed)
        try FileManager.default.removeItem(at: resumed.appendingPathComponent("checkpoints/step-00000040"))
        let b = try CommandRunner.run(["train", "--resume", resumed.path, "--workers", "2"])
        #expect(b.status == 0, "\(b.standardError)")
        #expect(b.standardError.contains("Resuming"))
        for file in ["model.safetensors", "optimizer.safetensors"] {
            let path = "checkpoints/step-00000040/" + file
            #expect(
                try Data(contentsOf: resumed.appendingPathComponent(path))
                    == Data(contentsOf: whole.run.appendingPathComponent(path)), "\(file)")
        }
    }

    /// `training.weight_average`: the checkpoints' model files hold the mean of the weights since a
    /// quarter of the budget (10 of 40 steps: 30 steps averaged), their training-weights files the
    /// weights training goes on from, and a run resumed mid-average ends with the uninterrupted
    /// run's files, all of them. `eval` reads the average.
    @Test func weightAverageIsTheModelAndResumesExactly() throws {
        let whole = try Fixture(maxSteps: 40, extra: "  weight_average: {after: 0.25}")
        defer { whole.remove() }
        let a = try CommandRunner.run(["train", whole.pipeline.path, "--workers", "2"])
        #expect(a.status == 0, "\(a.standardError)")
        let final = whole.run.appendingPathComponent("checkpoints/step-00000040")
        let stateData = try Data(contentsOf: final.appendingPathComponent("state.json"))
        let state = try JSONSerialization.jsonObject(with: stateData) as? [String: Any]
        #expect(state?["averagedSteps"] as? Int == 30, "\(state ?? [:])")
        let model = try Data(contentsOf: final.appendingPathComponent("model.safetensors"))
        let training = try Data(contentsOf: final.appendingPathComponent("training-weights.safetensors"))
        #expect(model != training)
        let summary = try String(contentsOf: whole.run.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("the mean of every step's weights after 25% of the budget"), "\(summary)")
        // The best checkpoint carries both files too.
        let best = whole.run.appendingPathComponent("checkpoints/best")
        #expect(FileManager.default.fileExists(atPath: best.appendingPathComponent("training-weights.safetensors").path))

        let resumed = whole.directory.appendingPathComponent("resumed")
        try FileManager.default.copyItem(at: whole.run, to: resumed)
        try FileManager.default.removeItem(at: resumed.appendingPathComponent("checkpoints/step-00000040"))
        let middle = try Data(contentsOf: resumed.appendingPathComponent("checkpoints/step-00000020/state.json"))
        #expect(
            (try JSONSerialization.jsonObject(with: middle) as? [String: Any])?["averagedSteps"] as? Int == 10)
        let b = try CommandRunner.run(["train", "--resume", resumed.path, "--workers", "2"])
        #expect(b.status == 0, "\(b.standardError)")
        #expect(b.standardError.contains("Resuming"))
        for file in ["model.safetensors", "training-weights.safetensors", "optimizer.safetensors"] {
            let path = "checkpoints/step-00000040/" + file
            #expect(
                try Data(contentsOf: resumed.appendingPathComponent(path))
                    == Data(contentsOf: whole.run.appendingPathComponent(path)), "\(file)")
        }

        // eval scores the model file: the average, not the training weights.
        let scored = try CommandRunner.run([
            "eval", final.path, "--corpus", whole.corpus.path, "--samples", "0", "--max-sentences", "64", "--json"
        ])
        #expect(scored.status == 0, "\(scored.standardError)")
        try FileManager.default.removeItem(at: final.appendingPathComponent("model.safetensors"))
        try FileManager.default.copyItem(
            at: final.appendingPathComponent("training-weights.safetensors"),
            to: final.appendingPathComponent("model.safetensors"))
        let raw = try CommandRunner.run([
            "eval", final.path, "--corpus", whole.corpus.path, "--samples", "0", "--max-sentences", "64", "--json"
        ])
        #expect(raw.status == 0, "\(raw.standardError)")
        func bound(_ output: String) throws -> Double? {
            (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["negative_elbo"] as? Double
        }
        let averagedBound = try #require(try bound(scored.standardOutput))
        let trainingBound = try #require(try bound(raw.standardOutput))
        #expect(averagedBound != trainingBound)
    }

    /// A fresh decoder after the autoencoder phase starts the weight average again: a mean over
    /// the old decoder and the new one would be neither (steps 11–15 are dropped, 16–40 kept).
    @Test func aFreshDecoderStartsTheWeightAverageAgain() throws {
        let fixture = try Fixture(maxSteps: 40, extra: "  pretrain: {steps: 15}\n  weight_average: {after: 0.25}")
        defer { fixture.remove() }
        let result = try CommandRunner.run(["train", fixture.pipeline.path, "--workers", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let stateData = try Data(
            contentsOf: fixture.run.appendingPathComponent("checkpoints/step-00000040/state.json"))
        let state = try JSONSerialization.jsonObject(with: stateData) as? [String: Any]
        #expect(state?["averagedSteps"] as? Int == 25, "\(state ?? [:])")
    }

    /// A run stopped at step 20 and resumed to 40 ends with exactly the weights of an
    /// uninterrupted 40-step run: same batches (shuffled, bucketed), same noise, same optimiser state.
    @Test func resumingGivesTheSameModelAsAnUninterruptedRun() throws {
        let whole = try Fixture(maxSteps: 40)
        let parts = try Fixture(maxSteps: 20)
        defer { whole.remove(); parts.remove() }
        let a = try CommandRunner.run(["train", whole.pipeline.path, "--workers", "2"])
        #expect(a.status == 0, "\(a.standardError)")
        let b1 = try CommandRunner.run(["train", parts.pipeline.path, "--workers", "1"])
        #expect(b1.status == 0, "\(b1.standardError)")
        let b2 = try CommandRunner.run(["train", "--resume", parts.run.path, "--max-steps", "40", "--workers", "2"])
        #expect(b2.status == 0, "\(b2.standardError)")
        #expect(b2.standardError.contains("Resuming"))
        let final = "checkpoints/step-00000040/model.safetensors"
        let wholeWeights = try Data(contentsOf: whole.run.appendingPathComponent(final))
        let resumedWeights = try Data(contentsOf: parts.run.appendingPathComponent(final))
        #expect(wholeWeights == resumedWeights)
        let wholeOptimizer = try Data(
            contentsOf: whole.run.appendingPathComponent("checkpoints/step-00000040/optimizer.safetensors"))
        let resumedOptimizer = try Data(
            contentsOf: parts.run.appendingPathComponent("checkpoints/step-00000040/optimizer.safetensors"))
        #expect(wholeOptimizer == resumedOptimizer)
    }

    @Test func trainsFromTokenShards() throws {
        let fixture = try Fixture(maxSteps: 10)
        defer { fixture.remove() }
        let shards = fixture.directory.appendingPathComponent("tokens")
        let tokenize = try CommandRunner.run([
            "tokenize", fixture.corpus.path, "--lowercase", "--max-vocab", "600", "--bos-eos", "--out", shards.path
        ])
        #expect(tokenize.status == 0, "\(tokenize.standardError)")
        let result = try CommandRunner.run(["train", fixture.pipeline.path, "--shards", shards.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("Training from the token shards"))
        #expect(result.standardOutput.contains("step 10"))
    }

    /// The character-level recurrent VAE: characters as tokens, z at every decoder step; samples
    /// are strings of the corpus's characters (joined without separators).
    @Test func trainsACharacterLevelModel() throws {
        let fixture = try Fixture(maxSteps: 10)
        defer { fixture.remove() }
        let pipeline = fixture.directory.appendingPathComponent("chars.yaml")
        try """
        name: chars
        data: {inputs: [sentences.txt], validation_fraction: 0.1, validation_max_sentences: 32}
        tokenizer: {level: character}
        vocabulary: {max_size: 120}
        batching: {batch_size: 16, max_length: 40, over_length: truncate}
        model:
          embedding: 8
          encoder: {cell: lstm, hidden: 16}
          latent: 4
          decoder: {cell: lstm, hidden: 16, z_to_initial_state: false, z_at_every_step: true}
        training: {max_steps: 10, validate_every: 10, checkpoint_every: 10, seed: 1, samples: 1}
        output: chars-run
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["train", "--stream", pipeline.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Stopped: step limit reached — step 10"))
        let run = fixture.directory.appendingPathComponent("chars-run")
        let vocabulary = try String(contentsOf: run.appendingPathComponent("vocab.json"), encoding: .utf8)
        #expect(vocabulary.contains("\"character\""))
        let sample = try CommandRunner.run(["sample", run.path, "--count", "3", "--decoding", "sample", "--seed", "2"])
        #expect(sample.status == 0, "\(sample.standardError)")
        let lines = sample.standardOutput.split(separator: "\n")
        #expect(lines.count == 3)
    }

    @Test func badSettingsAreClearErrors() throws {
        let fixture = try Fixture(extra: "")
        defer { fixture.remove() }
        let typo = fixture.directory.appendingPathComponent("typo.yaml")
        try "data: {inputs: [sentences.txt]}\ntraining: {lerning_rate: 1}\n".write(
            to: typo, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["train", typo.path])
        #expect(result.status != 0)
        #expect(result.standardError.contains("unknown key 'training.lerning_rate'"))

        let missing = try CommandRunner.run([
            "train", "--resume", fixture.directory.appendingPathComponent("nothing").path
        ])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("not a training run directory"))

        let sampleMissing = try CommandRunner.run(["sample", fixture.directory.path])
        #expect(sampleMissing.status != 0)
        #expect(sampleMissing.standardError.contains("not a training run directory"))
    }

    @Test func aDivergingRunStopsWithTheStepAndKeepsOnlyGoodCheckpoints() throws {
        let fixture = try Fixture(maxSteps: 400)
        defer { fixture.remove() }
        // Adam at the largest learning rate allowed, without clipping, blows the weights up at once.
        let result = try CommandRunner.run([
            "train", fixture.pipeline.path, "--learning-rate", "10", "--clip-norm", "0", "--checkpoint-every", "1"
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("Training diverged and stopped at step"), "\(result.standardError)")
        #expect(result.standardError.contains("--clip-norm"))
        // Whatever checkpoint is left loads and samples (its weights passed the checks).
        let checkpoints =
            (try? FileManager.default.contentsOfDirectory(
                atPath: fixture.run.appendingPathComponent("checkpoints").path)) ?? []
        if checkpoints.contains(where: { $0.hasPrefix("step-") }) {
            let sample = try CommandRunner.run(["sample", fixture.run.path, "--checkpoint", "latest", "--count", "1"])
            #expect(sample.status == 0, "\(sample.standardError)")
        }
    }

    @Test func learningRatesAndSizesBeyondTheirBoundsAreRefusedBeforeTraining() throws {
        let fixture = try Fixture(maxSteps: 5)
        defer { fixture.remove() }
        for (flags, words) in [
            (["--learning-rate", "1e6"], "'training.optimizer.learning_rate' must be positive and at most 10"),
            (["--latent", "1000000000"], "'model.latent' must be between 1 and 4096"),
            (["--batch-size", "1000000000"], "'batching.batch_size' must be between 1 and 65536"),
            (["--clip-norm=-1"], "--clip-norm must be 0")
        ] {
            let result = try CommandRunner.run(["train", fixture.pipeline.path] + flags)
            #expect(result.status != 0)
            #expect(result.standardError.contains(words), "\(flags): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: fixture.run.appendingPathComponent("checkpoints").path))
        }
        let wide = fixture.directory.appendingPathComponent("wide.yaml")
        try "data: {inputs: [sentences.txt]}\nmodel: {encoder: {hidden: 100000}}\n".write(
            to: wide, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["train", wide.path])
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("'model.encoder.hidden' must be between 1 and 16384; 100000 was given"),
            "\(result.standardError)")
    }

    @Test func clipNormIsHonouredAndSettingsAResumedRunCannotChangeAreRefused() throws {
        let fixture = try Fixture(maxSteps: 5)
        defer { fixture.remove() }
        let result = try CommandRunner.run(["train", fixture.pipeline.path, "--clip-norm", "0.25"])
        #expect(result.status == 0, "\(result.standardError)")
        let manifest = try String(contentsOf: fixture.run.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(manifest.contains("\"clip_norm\" : 0.25"), "\(manifest)")
        for flags in [
            ["--learning-rate", "0.1"], ["--batch-size", "8"], ["--latent", "8"], ["--seed", "9"], ["--clip-norm", "1"],
            ["--stream"]
        ] {
            let resumed = try CommandRunner.run(["train", "--resume", fixture.run.path, "--max-steps", "10"] + flags)
            #expect(resumed.status != 0)
            #expect(
                resumed.standardError.contains("\(flags[0]) cannot be given with it"),
                "\(flags): \(resumed.standardError)")
        }
        let allowed = try CommandRunner.run(["train", "--resume", fixture.run.path, "--max-steps", "8"])
        #expect(allowed.status == 0, "\(allowed.standardError)")
        #expect(allowed.standardOutput.contains("step 8"))
    }

    @Test func aDamagedCheckpointIsRefusedNamingFileAndTensor() throws {
        let fixture = try Fixture(maxSteps: 5)
        defer { fixture.remove() }
        let result = try CommandRunner.run(["train", fixture.pipeline.path])
        #expect(result.status == 0, "\(result.standardError)")
        let weights = fixture.run.appendingPathComponent("checkpoints/step-00000005/model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 6] ^= 0x01  // a mantissa bit of the last tensor's next-to-last value: still finite
        try bytes.write(to: weights)
        let sample = try CommandRunner.run(["sample", fixture.run.path, "--checkpoint", "latest", "--count", "1"])
        #expect(sample.status != 0)
        #expect(
            sample.standardError.contains(weights.path) && sample.standardError.contains("checksum"),
            "\(sample.standardError)")
        let resumed = try CommandRunner.run(["train", "--resume", fixture.run.path, "--max-steps", "6"])
        #expect(resumed.status != 0)
        #expect(resumed.standardError.contains("checksum"), "\(resumed.standardError)")
    }

    /// Runs written before the vocabulary was named vocab.json (as in token shards) hold
    /// vocabulary.json: they still sample and resume.
    @Test func aRunWithTheEarlierVocabularyFileNameStillLoads() throws {
        let fixture = try Fixture(maxSteps: 5)
        defer { fixture.remove() }
        let result = try CommandRunner.run(["train", fixture.pipeline.path])
        #expect(result.status == 0, "\(result.standardError)")
        let manager = FileManager.default
        #expect(!manager.fileExists(atPath: fixture.run.appendingPathComponent("vocabulary.json").path))
        try manager.moveItem(
            at: fixture.run.appendingPathComponent("vocab.json"),
            to: fixture.run.appendingPathComponent("vocabulary.json"))
        let sample = try CommandRunner.run(["sample", fixture.run.path, "--count", "2"])
        #expect(sample.status == 0, "\(sample.standardError)")
        let resumed = try CommandRunner.run(["train", "--resume", fixture.run.path, "--max-steps", "7"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("step 7"))
        // Starting over removes the earlier name too, so the new run's vocabulary is the only one.
        let again = try CommandRunner.run(["train", fixture.pipeline.path, "--overwrite"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(!manager.fileExists(atPath: fixture.run.appendingPathComponent("vocabulary.json").path))
        #expect(manager.fileExists(atPath: fixture.run.appendingPathComponent("vocab.json").path))
    }
}
