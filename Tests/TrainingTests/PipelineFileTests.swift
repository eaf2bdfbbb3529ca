import Batching
import Foundation
import Testing

@testable import Training

@Suite struct PipelineFileTests {
    @Test func parsesEverySection() throws {
        let file = try PipelineFile.parse(
            """
            name: demo
            data:
              inputs: [a.txt.gz]
              validation_fraction: 0.05
            tokenizer: {level: word, lowercase: true}
            vocabulary: {max_size: 5000, min_count: 2}
            batching: {batch_size: 16, max_length: 20, bucket_boundaries: [8, 12], shuffle_buffer: 100, seed: 3}
            embeddings: {vectors: g.txt.gz, freeze: true, oov: unk}
            model:
              embedding: 50
              encoder: {cell: gru, hidden: 64, bidirectional: true, dense: 32}
              latent: 8
              decoder: {cell: lstm, hidden: 64, z_at_every_step: true}
              word_dropout: 0.25
            training:
              epochs: 2
              optimizer: {name: adam, learning_rate: 0.002}
              kl_annealing: {schedule: logistic, k: 0.0025, x0: 2500}
              free_bits: 0.1
            """)
        #expect(file.name == "demo")
        #expect(file.data.inputs == ["a.txt.gz"])
        #expect(file.data.validationFraction == 0.05)
        #expect(file.tokenizer?.lowercase == true)
        #expect(file.vocabulary?.maxSize == 5000)
        #expect(file.batching?.bucketBoundaries == [8, 12])
        #expect(file.embeddings?.freeze == true)
        #expect(file.model?.encoder?.cell == .gru)
        #expect(file.model?.decoder?.zAtEveryStep == true)
        #expect(file.training?.optimizer?.learningRate == 0.002)
        #expect(file.training?.klAnnealing?.x0 == 2500)
        #expect(file.training?.freeBits == 0.1)
    }

    @Test func unknownKeysAreErrorsNamingTheKey() {
        #expect {
            _ = try PipelineFile.parse(
                "data: {inputs: [a]}\ntraining:\n  optimizer: {lerning_rate: 0.1}\n", file: "p.yaml")
        } throws: { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            return message.contains("p.yaml") && message.contains("training.optimizer.lerning_rate")
                && message.contains("learning_rate")
        }
    }

    @Test func duplicatedKeysAreRefusedNamingTheKeyAndBothLines() {
        #expect(throws: PipelineError.duplicateKey(file: "p.yaml", key: "training.epochs", firstLine: 3, secondLine: 5))
        {
            _ = try PipelineFile.parse(
                "data: {inputs: [a]}\ntraining:\n  epochs: 2\n  seed: 4\n  epochs: 9\n", file: "p.yaml")
        }
        #expect(throws: PipelineError.duplicateKey(file: "p.yaml", key: "model", firstLine: 2, secondLine: 3)) {
            _ = try PipelineFile.parse("data: {inputs: [a]}\nmodel: {latent: 8}\nmodel: {latent: 16}\n", file: "p.yaml")
        }
        #expect(
            throws: PipelineError.duplicateKey(
                file: "p.yaml", key: "training.optimizer.learning_rate", firstLine: 2, secondLine: 2)
        ) {
            _ = try PipelineFile.parse(
                "data: {inputs: [a]}\ntraining: {optimizer: {learning_rate: 0.1, learning_rate: 1}}\n", file: "p.yaml")
        }
        let message = PipelineError.duplicateKey(file: "p.yaml", key: "training.epochs", firstLine: 3, secondLine: 5)
            .errorDescription!
        #expect(message.contains("lines 3 and 5") && message.contains("training.epochs"))
    }

    @Test func wrongTypesNameTheKey() {
        #expect {
            _ = try PipelineFile.parse("data: {inputs: [a]}\ntraining: {epochs: many}\n", file: "p.yaml")
        } throws: { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            return message.contains("training.epochs") && message.contains("whole number")
        }
    }

    @Test func linearAnnealingStartsWhereAsked() throws {
        let file = try PipelineFile.parse(
            "data: {inputs: [a]}\ntraining: {kl_annealing: {schedule: linear, start: 0.1, steps: 100}}\n")
        let resolved = try ResolvedPipeline(file, path: "p.yaml")
        #expect(resolved.training.annealing.beta(at: 0) == 0.1)
        #expect(abs(resolved.training.annealing.beta(at: 50) - 0.55) < 1e-6)
        #expect(resolved.training.annealing.beta(at: 100) == 1)
        #expect(throws: PipelineError.self) {
            _ = try ResolvedPipeline(
                try PipelineFile.parse("data: {inputs: [a]}\ntraining: {kl_annealing: {schedule: linear, start: 2}}\n"),
                path: "p.yaml")
        }
    }

    @Test func standardInputCannotBeTrainedOn() throws {
        #expect {
            _ = try ResolvedPipeline(try PipelineFile.parse("data: {inputs: ['-']}\n"), path: "p.yaml")
        } throws: { error in
            (error as? LocalizedError)?.errorDescription?.contains("standard input can be read only once") == true
        }
    }

    @Test func invalidYAMLIsReported() {
        #expect(throws: PipelineError.self) { _ = try PipelineFile.parse("data: [unclosed\n") }
        #expect(throws: PipelineError.self) { _ = try PipelineFile.parse("- just\n- a list\n") }
    }

    @Test func relativePathsAreResolvedAgainstTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("p.yaml").path
        try "data: {inputs: [../corpora/x.txt, /abs/y.txt]}\nembeddings: {vectors: v.txt}\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let file = try PipelineFile.load(from: path)
        #expect(
            file.data.inputs == [
                directory.deletingLastPathComponent().appendingPathComponent("corpora/x.txt").path, "/abs/y.txt"
            ])
        #expect(file.embeddings?.vectors == directory.appendingPathComponent("v.txt").path)
    }

    @Test func shippedPipelinesParse() throws {
        let pipelines = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("pipelines")
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: pipelines.path))?.filter { $0.hasSuffix(".yaml") }
            ?? []
        for name in names {
            let file = try PipelineFile.load(from: pipelines.appendingPathComponent(name).path)
            #expect(file.data.inputs != nil || file.data.shards != nil, "\(name)")
        }
    }

    /// The embeddings loader's bounds can be set from the pipeline file, within the same limits.
    @Test func embeddingBoundsComeFromThePipelineFile() throws {
        let text =
            "data: {inputs: [a]}\nembeddings: {vectors: v.txt, dimension: 300, max_dimension: 20000, max_value: 50}\n"
        let resolved = try ResolvedPipeline(try PipelineFile.parse(text), path: "p.yaml")
        let options = try #require(resolved.embeddings?.options)
        #expect(options.dimension == 300 && options.maxDimension == 20_000 && options.maxAbsoluteValue == 50)
        // The bounds are the embeddings loader's, named by the file's keys.
        for (bad, message) in [
            ("dimension: 0", "p.yaml: 'embeddings.dimension' must be between 1 and 'embeddings.max_dimension' (10000); "
                + "0 was given."),
            ("max_dimension: 2000000", "p.yaml: 'embeddings.max_dimension' must be between 1 and 1000000; "
                + "2000000 was given."),
            ("dimension: 20000", "p.yaml: 'embeddings.dimension' must be between 1 and 'embeddings.max_dimension' "
                + "(10000); 20000 was given."),
            ("max_value: -1", "p.yaml: 'embeddings.max_value' must be a positive finite number; -1.0 was given.")
        ] {
            let error = #expect(throws: PipelineError.self, "\(bad)") {
                _ = try ResolvedPipeline(
                    try PipelineFile.parse("data: {inputs: [a]}\nembeddings: {vectors: v.txt, \(bad)}\n"),
                    path: "p.yaml")
            }
            #expect(error?.localizedDescription == message)
        }
    }

    /// A batching section names only what it changes: the rest are the stages' (and the
    /// family's) defaults; and the file a run stores in run.json reads back as written.
    @Test func batchingSectionFillsMissingKeysWithDefaults() throws {
        let text =
            "data: {inputs: [a]}\nmodel: {type: char_vae}\n"
            + "batching: {batch_size: 100, window: 50, stride: 1, seed: 42}\n"
        let file = try PipelineFile.parse(text)
        let resolved = try ResolvedPipeline(file, path: "p.yaml")
        var expected = BatchingOptions(
            batchSize: 100, shuffleBuffer: 10_000, shuffleSeed: 42, validationFraction: 0.05,
            window: 50, stride: 1)
        expected.appendEnd = true
        #expect(resolved.batching == expected)
        let stored = try JSONDecoder().decode(PipelineFile.self, from: JSONEncoder().encode(file))
        #expect(stored == file)
        #expect(try ResolvedPipeline(stored, path: "p.yaml").batching == expected)
    }

    /// A setting chosen by name decodes into its type; another name is refused naming the key,
    /// every name allowed there and the one given.
    @Test func namesOffTheListAreRefusedNamingTheKeyAndTheAllowedNames() throws {
        let file = try PipelineFile.parse(
            """
            data: {inputs: [a], format: csv, invalid_utf8: skip}
            tokenizer: {level: whitespace, normalization: nfkc}
            batching: {over_length: drop, bucket_mode: exact, padding: post}
            model: {type: word_vae, encoder: {cell: gru}}
            training: {optimizer: {name: sgd}, kl_annealing: {schedule: cyclical}}
            """)
        #expect(file.data.format == .csv && file.data.invalidUtf8 == .skip)
        #expect(file.tokenizer?.level == .whitespace && file.tokenizer?.normalization == .nfkc)
        #expect(
            file.batching?.overLength == .drop && file.batching?.bucketMode == .exact && file.batching?.padding == .post
        )
        #expect(file.model?.type == .wordVAE && file.model?.encoder?.cell == .gru)
        #expect(file.training?.optimizer?.name == .sgd && file.training?.klAnnealing?.schedule == .cyclical)
        for (yaml, message) in [
            (
                "batching: {over_length: cut}",
                "p.yaml: 'batching.over_length' must be truncate or drop; 'cut' was given."
            ),
            (
                "model: {type: transformer}",
                "p.yaml: 'model.type' must be sentence_vae, char_vae, vrnn, word_vae or lstm_lm; "
                    + "'transformer' was given."
            ),
            (
                "tokenizer: {level: sentence}",
                "p.yaml: 'tokenizer.level' must be word, character, whitespace or keras; 'sentence' was given."
            ),
            ("model: {decoder: {cell: rnn}}", "p.yaml: 'model.decoder.cell' must be lstm or gru; 'rnn' was given."),
            (
                "training: {kl_annealing: {schedule: cosine}}",
                "p.yaml: 'training.kl_annealing.schedule' must be constant, linear, logistic or cyclical; "
                    + "'cosine' was given."
            ),
            (
                "embeddings: {vectors: v.txt, oov: mean}",
                "p.yaml: 'embeddings.oov' must be random, zero or unk; 'mean' was given."
            )
        ] {
            #expect(throws: PipelineError.self, "\(yaml)") {
                do {
                    _ = try PipelineFile.parse("data: {inputs: [a]}\n" + yaml + "\n", file: "p.yaml")
                } catch {
                    #expect((error as? LocalizedError)?.errorDescription == message)
                    throw error
                }
            }
        }
    }

    /// The batching stages' own checks run when the pipeline is resolved, naming the key.
    @Test func batchingChecksNameTheKey() throws {
        for (yaml, key, words) in [
            ("batching: {bucket_boundaries: [5, 5, 9]}", "batching.bucket_boundaries", "5 follows 5"),
            ("batching: {bucket_boundaries: []}", "batching.bucket_boundaries", "are empty"),
            ("batching: {bucket_mode: edge}", "batching.bucket_mode", "no bucket boundaries"),
            ("batching: {stride: 3}", "batching.stride", "without a character window"),
            ("data: {inputs: [a], validation_fraction: 1}", "data.validation_fraction", "at least 0 and below 1"),
            (
                "model: {type: char_vae}\nbatching: {max_length: 1}", "batching.max_length",
                "room for <eos> and one token"
            ),
            (
                "model: {type: char_vae}\nbatching: {window: 10, bucket_boundaries: [4]}", "batching.bucket_boundaries",
                "does not apply"
            ),
            ("model: {type: vrnn}\nbatching: {bucket_mode: longest}", "batching.bucket_boundaries", "does not apply")
        ] {
            let text = yaml.hasPrefix("data:") ? yaml + "\n" : "data: {inputs: [a]}\n" + yaml + "\n"
            #expect {
                _ = try ResolvedPipeline(try PipelineFile.parse(text, file: "p.yaml"), path: "p.yaml")
            } throws: { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                return message.hasPrefix("p.yaml: '\(key)'") && message.contains(words)
            }
        }
    }

    /// `vocabulary.max_size: 0` means no limit, as `--max-vocab 0` does; left out, 20,000.
    @Test func vocabularyMaxSizeZeroMeansNoLimit() throws {
        let unlimited = try ResolvedPipeline(
            try PipelineFile.parse("data: {inputs: [a]}\nvocabulary: {max_size: 0}\n"), path: "p.yaml")
        #expect(unlimited.vocabulary.maxSize == nil)
        let defaulted = try ResolvedPipeline(try PipelineFile.parse("data: {inputs: [a]}\n"), path: "p.yaml")
        #expect(defaulted.vocabulary.maxSize == 20_000)
        let given = try ResolvedPipeline(
            try PipelineFile.parse("data: {inputs: [a]}\nvocabulary: {max_size: 600}\n"), path: "p.yaml")
        #expect(given.vocabulary.maxSize == 600)
    }

    /// Dropping punctuation is a word-level rule: at another level it is refused, not ignored.
    @Test func dropPunctuationOutsideTheWordLevelIsRefused() throws {
        #expect(throws: PipelineError.self) {
            _ = try ResolvedPipeline(
                try PipelineFile.parse(
                    "data: {inputs: [a]}\ntokenizer: {level: character, drop_punctuation: true}\n"), path: "p.yaml")
        }
        do {
            _ = try ResolvedPipeline(
                try PipelineFile.parse(
                    "data: {inputs: [a]}\ntokenizer: {level: whitespace, drop_punctuation: true}\n"), path: "p.yaml")
            Issue.record("drop_punctuation at the whitespace level was accepted")
        } catch {
            #expect("\(error.localizedDescription)".contains("tokenizer.drop_punctuation"))
        }
        let word = try ResolvedPipeline(
            try PipelineFile.parse(
                "data: {inputs: [a]}\ntokenizer: {level: word, drop_punctuation: true}\n"), path: "p.yaml")
        #expect(!word.tokenizer.configuration.keepsPunctuation)
    }

    /// Each `(training section, phrase)` is refused with a message containing the phrase.
    func expectRefusals(_ refusals: [(String, String)], resolving resolved: (String) throws -> ResolvedPipeline) {
        for (training, phrase) in refusals {
            do {
                _ = try resolved(training)
                Issue.record("\(training) was accepted")
            } catch {
                let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                #expect(message.contains(phrase), "\(training): \(message)")
            }
        }
    }

    /// `training.optimizer.decay`: the rate holds until `after` of the budget, then falls to `to`
    /// of itself at the budget's end, by steps or by the clock, whichever is further along.
    @Test func learningRateDecaysOverTheBudget() throws {
        func resolved(_ training: String) throws -> ResolvedPipeline {
            try ResolvedPipeline(try PipelineFile.parse("data: {inputs: [a]}\ntraining: \(training)\n"), path: "p.yaml")
        }
        let steps = try resolved(
            "{max_steps: 100, optimizer: {learning_rate: 0.01, decay: {shape: linear, after: 0.5, to: 0.1}}}"
        ).training
        #expect(steps.learningRate(afterSteps: 0, elapsedSeconds: 0) == 0.01)
        #expect(steps.learningRate(afterSteps: 50, elapsedSeconds: 0) == 0.01)
        #expect(abs(steps.learningRate(afterSteps: 75, elapsedSeconds: 0) - 0.0055) < 1e-8)
        #expect(abs(steps.learningRate(afterSteps: 100, elapsedSeconds: 0) - 0.001) < 1e-9)
        #expect(steps.decayDescription.contains("falling linearly to 10% of it after 50% of the budget"))

        // With both limits, the one further along sets the rate.
        let both = try resolved(
            "{max_steps: 1000, max_minutes: 10, optimizer: {learning_rate: 0.01, decay: {shape: cosine}}}"
        ).training
        #expect(both.budgetProgress(step: 100, elapsedSeconds: 300) == 0.5)
        #expect(abs(both.learningRate(afterSteps: 100, elapsedSeconds: 300) - 0.005) < 1e-8)
        #expect(abs(both.learningRate(afterSteps: 900, elapsedSeconds: 60) - 0.01 * (1 + cos(0.9 * .pi)) / 2) < 1e-8)

        let undecayed = try resolved("{max_steps: 100, optimizer: {learning_rate: 0.01}}").training
        #expect(undecayed.learningRate(afterSteps: 99, elapsedSeconds: 1e6) == 0.01)
        #expect(undecayed.decayDescription.isEmpty)

        let refusals = [
            ("{epochs: 3, optimizer: {decay: {shape: linear}}}", "training.max_steps or training.max_minutes"),
            ("{max_steps: 9, optimizer: {decay: {after: 1}}}", "training.optimizer.decay.after"),
            ("{max_steps: 9, optimizer: {decay: {to: 1.5}}}", "training.optimizer.decay.to"),
            ("{max_steps: 9, optimizer: {decay: {shape: step}}}", "must be linear or cosine; 'step' was given"),
            ("{max_steps: 9, optimizer: {decay: {until: 0.5}}}", "training.optimizer.decay.until")
        ]
        expectRefusals(refusals, resolving: resolved)
    }

    /// `training.weight_average`: steps join the mean once the budget is past `after` (by steps or
    /// by the clock); it needs a budget and an `after` below 1.
    @Test func weightAverageStartsAfterItsShareOfTheBudget() throws {
        func resolved(_ training: String) throws -> ResolvedPipeline {
            try ResolvedPipeline(try PipelineFile.parse("data: {inputs: [a]}\ntraining: \(training)\n"), path: "p.yaml")
        }
        let steps = try resolved("{max_steps: 100, weight_average: {after: 0.6}}")
        #expect(steps.training.weightAverageAfter == 0.6)
        #expect(!steps.training.averagesWeights(afterSteps: 60, elapsedSeconds: 0))
        #expect(steps.training.averagesWeights(afterSteps: 61, elapsedSeconds: 0))
        #expect(steps.summaryTable["weight average"]?.contains("after 60% of the budget") == true)
        let clock = try resolved("{max_minutes: 10, weight_average: {after: 0.5}}").training
        #expect(!clock.averagesWeights(afterSteps: 1_000_000, elapsedSeconds: 299))
        #expect(clock.averagesWeights(afterSteps: 1, elapsedSeconds: 301))
        let none = try resolved("{max_steps: 100}")
        #expect(none.training.weightAverageAfter == nil && none.summaryTable["weight average"] == nil)
        #expect(!none.training.averagesWeights(afterSteps: 100, elapsedSeconds: 1e6))

        let refusals = [
            ("{epochs: 3, weight_average: {after: 0.5}}", "training.max_steps or training.max_minutes"),
            ("{max_steps: 9, weight_average: {after: 1}}", "training.weight_average.after"),
            ("{max_steps: 9, weight_average: {after: -0.1}}", "training.weight_average.after"),
            ("{max_steps: 9, weight_average: {start: 0.5}}", "training.weight_average.start")
        ]
        expectRefusals(refusals, resolving: resolved)
    }

    /// Misspelt keys inside `training.pretrain` and `data.words` are refused like any other.
    @Test func nestedSectionsRefuseUnknownKeys() {
        for (yaml, key) in [
            (
                "data: {inputs: [a]}\ntraining: {pretrain: {steps: 5, reset_decodr: true}}\n",
                "training.pretrain.reset_decodr"
            ),
            ("data: {inputs: [a], words: {min_cont: 2}}\n", "data.words.min_cont")
        ] {
            #expect {
                _ = try PipelineFile.parse(yaml, file: "p.yaml")
            } throws: { error in
                ((error as? LocalizedError)?.errorDescription ?? "").contains(key)
            }
        }
    }

    /// Tying the output layer to the embedding needs one width for both and a trainable table;
    /// other families refuse the key.
    @Test func tieEmbeddingsIsCheckedAgainstTheShapes() throws {
        let base = "data: {inputs: [a]}\n"
        let tied = try ResolvedPipeline(
            try PipelineFile.parse(base + "model: {embedding: 64, decoder: {hidden: 64}, tie_embeddings: true}\n"),
            path: "p.yaml")
        #expect(tied.model.tieEmbeddings)
        guard case .sentenceVAE(let c) = tied.model.configuration(vocabularySize: 20, embeddingDimension: 64, freeze: false)
        else {
            Issue.record("expected a sentence VAE")
            return
        }
        #expect(c.outputTied)
        #expect(tied.summaryTable["output layer"] != nil)
        for (model, extra, needle) in [
            ("{embedding: 32, decoder: {hidden: 64}, tie_embeddings: true}", "",
             "'model.tie_embeddings' needs model.embedding equal to model.decoder.hidden (64)"),
            ("{decoder: {hidden: 64}, tie_embeddings: true}", "", "model.embedding is not given"),
            ("{embedding: 50, decoder: {hidden: 50}, tie_embeddings: true}", "embeddings: {vectors: v.txt, freeze: true}\n",
             "embeddings.freeze is true"),
            ("{type: char_vae, tie_embeddings: true}", "", "does not apply to the"),
            ("{type: vrnn, tie_embeddings: true}", "", "does not apply to the")
        ] {
            let error = #expect(throws: PipelineError.self, "\(model)") {
                _ = try ResolvedPipeline(try PipelineFile.parse(base + extra + "model: \(model)\n"), path: "p.yaml")
            }
            let message = error?.localizedDescription ?? ""
            #expect(message.contains(needle) && message.contains("p.yaml"), "\(message)")
        }
    }
}
