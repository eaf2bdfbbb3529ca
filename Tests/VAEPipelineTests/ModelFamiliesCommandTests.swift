import Foundation
import Testing

/// Every model family through the one trainer, on tiny settings: a pipeline file trains it,
/// resuming is exact, and the after-training commands serve it or refuse in a sentence.
@Suite(.serialized) struct ModelFamiliesCommandTests {
    struct Family: CustomTestStringConvertible, Sendable {
        var type: String
        var model: String
        var batching: String
        var extra = ""
        var hasSentenceLatent: Bool
        var testDescription: String { type }
    }

    static let families = [
        Family(
            type: "char_vae",
            model:
                "{type: char_vae, embedding: 8, encoder: {hidden: 12}, latent: 3, decoder: {hidden: 12}, "
                + "teacher_forcing: 0.7}",
            batching: "{batch_size: 8, window: 24, stride: 12, shuffle_buffer: 50}", hasSentenceLatent: true),
        Family(
            type: "char_vae lines",
            model:
                "{type: char_vae, embedding: 8, encoder: {hidden: 12}, latent: 3, decoder: {hidden: 12}, "
                + "character_dropout: 0.1}",
            batching: "{batch_size: 8, max_length: 40, shuffle_buffer: 50}", hasSentenceLatent: true),
        Family(
            type: "vrnn", model: "{type: vrnn, embedding: 8, hidden: 10, latent: 4}",
            batching: "{batch_size: 8, window: 30, shuffle_buffer: 50}", hasSentenceLatent: false),
        Family(
            type: "lstm_lm", model: "{type: lstm_lm, embedding: 8, hidden: 12}",
            batching: "{batch_size: 8, window: 24, shuffle_buffer: 50}", hasSentenceLatent: false),
        Family(
            type: "word_vae",
            model: "{type: word_vae, embedding: 8, encoder: {hidden: 12}, latent: 3, decoder: {hidden: 12}}",
            batching: "{batch_size: 16, max_length: 20, shuffle_buffer: 50}",
            extra: "  words: {from: tokens, min_count: 1, max_words: 400, lowercase: true}\n",
            hasSentenceLatent: true)
    ]

    struct Fixture {
        let directory: URL
        var corpus: URL { directory.appendingPathComponent("lines.txt") }
        var pipeline: URL { directory.appendingPathComponent("tiny.yaml") }
        var run: URL { directory.appendingPathComponent("run") }

        init(_ family: Family, maxSteps: Int) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("family-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let lines = try CommandRunner.runTool([
                "gzip", "-dc", corporaDirectory.appendingPathComponent("tiny_shakespeare.txt.gz").path
            ])
            .split(separator: "\n", omittingEmptySubsequences: false).prefix(600)
            try (lines.joined(separator: "\n") + "\n").write(to: corpus, atomically: true, encoding: .utf8)
            try """
            name: tiny
            data:
              inputs: [lines.txt]
              format: lines
              validation_fraction: 0.1
              validation_max_sentences: 32
            \(family.extra)vocabulary: {max_size: 120}
            batching: \(family.batching)
            model: \(family.model)
            training:
              epochs: 20
              max_steps: \(maxSteps)
              optimizer: {learning_rate: 0.005}
              validate_every: 3
              checkpoint_every: 3
              log_every: 1
              keep_last: 5
              seed: 7
              samples: 2
            output: run
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test(arguments: families) func trainsResumesExactlyAndServesTheCommands(_ family: Family) throws {
        let whole = try Fixture(family, maxSteps: 6)
        let parts = try Fixture(family, maxSteps: 3)
        defer { whole.remove(); parts.remove() }
        let a = try CommandRunner.run(["train", whole.pipeline.path, "--workers", "2"])
        #expect(a.status == 0, "\(family.type): \(a.standardError)")
        let b1 = try CommandRunner.run(["train", parts.pipeline.path, "--workers", "1"])
        #expect(b1.status == 0, "\(family.type): \(b1.standardError)")
        let b2 = try CommandRunner.run(["train", "--resume", parts.run.path, "--max-steps", "6", "--workers", "2"])
        #expect(b2.status == 0, "\(family.type): \(b2.standardError)")
        for file in ["model.safetensors", "optimizer.safetensors"] {
            let path = "checkpoints/step-00000006/\(file)"
            #expect(
                try Data(contentsOf: whole.run.appendingPathComponent(path))
                    == Data(contentsOf: parts.run.appendingPathComponent(path)),
                "\(family.type): \(file) after resuming differs from the uninterrupted run's")
        }
        let manifest = try String(contentsOf: whole.run.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(
            manifest.contains("\"type\" : \"\(family.type.split(separator: " ")[0])\""),
            "\(family.type): run.json names the model")

        let run = whole.run.path
        let sample = try CommandRunner.run(["sample", run, "--count", "3", "--decoding", "sample", "--top-k", "5"])
        #expect(sample.status == 0 && !sample.standardOutput.isEmpty, "\(family.type): \(sample.standardError)")
        let continued = try CommandRunner.run([
            "sample", run, "--count", "2", "--prefix", "First", "--decoding", "sample", "--max-words", "12"
        ])
        if family.type == "word_vae" {
            #expect(
                continued.status != 0 && continued.standardError.contains("continue a start string"),
                "\(continued.standardError)")
        } else {
            #expect(
                continued.status == 0 && continued.standardOutput.hasPrefix("First"),
                "\(family.type): \(continued.standardOutput) \(continued.standardError)")
        }
        let beam = try CommandRunner.run(["sample", run, "--count", "2", "--decoding", "beam"])
        if family.type == "word_vae" {
            #expect(beam.status == 0, "\(beam.standardError)")
        } else {
            #expect(
                beam.status != 0 && beam.standardError.contains("Beam search decodes the sentence and word VAEs only"),
                "\(family.type): \(beam.standardError)")
        }
        // A word VAE reads words, one per line: its run's word list, not the sentences.
        let evalCorpus =
            family.type == "word_vae" ? whole.run.appendingPathComponent("words.txt").path : whole.corpus.path
        let eval = try CommandRunner.run([
            "eval", run, "--corpus", evalCorpus, "--max-sentences", "16", "--samples", "3", "--json"
        ])
        #expect(eval.status == 0, "\(family.type): \(eval.standardError)")
        let figures = try JSONSerialization.jsonObject(with: Data(eval.standardOutput.utf8)) as? [String: Any]
        let f1 = figures?["reconstruction_f1"] as? Double
        if family.hasSentenceLatent {
            #expect(f1 != nil && (0...1).contains(f1!), "\(family.type): \(eval.standardOutput)")
        } else {
            #expect(f1 == nil, "\(family.type): no reconstruction without a sentence latent")
        }
        if family.type != "word_vae" {
            let bits = figures?["bits_per_character"] as? Double
            #expect(bits != nil && bits! > 0 && bits! < 10, "\(family.type): \(eval.standardOutput)")
        }
        let report = try CommandRunner.run(["report", run])
        #expect(report.status == 0, "\(family.type): \(report.standardError)")
        let encode = try CommandRunner.run(["encode", run], standardInput: Data("to be or not\n".utf8))
        let reconstruct = try CommandRunner.run(["reconstruct", run], standardInput: Data("to be or not\n".utf8))
        let interpolate = try CommandRunner.run(["interpolate", run, "to be", "or not"])
        for result in [encode, reconstruct, interpolate] {
            if family.hasSentenceLatent {
                #expect(result.status == 0, "\(family.type): \(result.standardError)")
            } else {
                #expect(
                    result.status != 0 && result.standardError.contains("has no single latent vector per sequence"),
                    "\(family.type): \(result.standardError)")
            }
        }
        if family.type == "word_vae" {
            let sentences = try CommandRunner.run(["eval", run, "--corpus", whole.corpus.path, "--samples", "3"])
            #expect(
                sentences.status != 0 && sentences.standardError.contains("lines.txt:1: ")
                    && sentences.standardError.contains("holds more than one word"),
                "\(sentences.standardError)")
            let summary =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: whole.run.appendingPathComponent("summary.json"))) as? [String: Any]
            let words = summary?["words"] as? [String: Any]
            #expect((words?["samples"] as? Int) == 1_000, "the summary reports novelty of 1,000 samples")
            #expect(FileManager.default.fileExists(atPath: whole.run.appendingPathComponent("words.txt").path))
        }
    }

    @Test(arguments: ["char_vae", "vrnn", "lstm_lm", "word_vae"]) func trainsFromFlagsAlone(_ type: String) throws {
        let fixture = try Fixture(Self.families[0], maxSteps: 2)
        defer { fixture.remove() }
        var flags = [
            "train", "--input", fixture.corpus.path, "--model", type, "--batch-size", "8", "--max-steps", "2",
            "--validate-every", "2", "--out", fixture.run.path, "--quiet"
        ]
        if type != "word_vae" { flags += ["--window", "20"] }
        if type == "vrnn" || type == "lstm_lm" { flags += ["--hidden", "12"] } else { flags += ["--latent", "3"] }
        let result = try CommandRunner.run(flags)
        #expect(result.status == 0, "\(type): \(result.standardError)")
        #expect(
            try String(contentsOf: fixture.run.appendingPathComponent("run.json"), encoding: .utf8).contains(
                "\"type\" : \"\(type)\""))
    }

    /// A setting of another family is refused naming the key, never ignored.
    @Test func settingsOfAnotherModelAreRefused() throws {
        let cases: [(String, String)] = [
            ("{type: vrnn, word_dropout: 0.2}", "model.word_dropout"),
            ("{type: lstm_lm, latent: 8}", "model.latent"),
            ("{type: char_vae, encoder: {cell: gru}}", "model.encoder.cell"),
            ("{type: sentence_vae, teacher_forcing: 0.5}", "model.teacher_forcing"),
            ("{type: transformer}", "model.type")
        ]
        for (model, key) in cases {
            var family = Self.families[0]
            family.model = model
            if model.contains("sentence_vae") { family.batching = "{batch_size: 8}" }
            let fixture = try Fixture(family, maxSteps: 2)
            defer { fixture.remove() }
            let result = try CommandRunner.run(["train", fixture.pipeline.path])
            #expect(result.status != 0 && result.standardError.contains(key), "\(model): \(result.standardError)")
        }
    }
}
