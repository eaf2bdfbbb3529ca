import ArgumentParser
import Foundation
import Models
import NeuralCore
import Training

extension TrainedModel.Choice: ExpressibleByArgument {}

/// Which trained model to use: shared by every command that runs one.
struct RunOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A run directory written by 'vae-pipeline train', or one of its checkpoint directories.", valueName: "run"))
    var run: String

    @Option(help: "Which checkpoint of a run directory: best (by validation; latest if none) or latest.")
    var checkpoint: TrainedModel.Choice = .best

    func load() throws -> TrainedModel {
        let model = try TrainedModel(path: run, choice: checkpoint)
        if let note = model.unverifiedNote { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        return model
    }
}

/// How sentences are generated from latent codes.
struct DecodingOptions: ParsableArguments {
    enum Method: String, ExpressibleByArgument, CaseIterable { case greedy, sample, beam }

    @Option(help: "greedy (most likely word each step), sample (from the softmax, with --temperature and --top-k) or beam (--beam-width).")
    var decoding: Method = .greedy

    @Option(help: "Sampling temperature (below 1: safer words; above 1: more varied).")
    var temperature: Float = 1

    @Option(help: "Sample only among the k most likely words.")
    var topK: Int?

    @Option(help: "Beam width for --decoding beam.")
    var beamWidth: Int = 5

    @Option(help: "Stop decoding a sentence after this many words (default: the run's max length + 10).")
    var maxWords: Int?

    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 1

    func validate() throws {
        if !(temperature > 0) { throw ValidationError("--temperature must be positive; \(temperature) was given.") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1; \(topK) was given.") }
        if beamWidth < 1 { throw ValidationError("--beam-width must be at least 1; \(beamWidth) was given.") }
        if let maxWords, maxWords < 1 { throw ValidationError("--max-words must be at least 1.") }
    }

    var strategy: DecodingStrategy {
        switch decoding {
        case .greedy: .greedy
        case .sample: .sample(temperature: temperature, topK: topK)
        case .beam: .beam(width: beamWidth)
        }
    }
}

/// Sentences given as arguments, in a file (one per line), or on standard input.
struct SentenceInput: ParsableArguments {
    @Argument(help: "Sentences (quote each). Without any, --file or standard input is read, one sentence per line.")
    var sentences: [String] = []

    @Option(help: ArgumentHelp("Read sentences from this file, one per line ('-' for standard input).", valueName: "file"))
    var file: String?

    func read() throws -> [String] {
        if !sentences.isEmpty { return sentences }
        let text: String
        if let file, file != "-" {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("Cannot read \(file): it does not exist or is not readable.")
            }
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if lines.isEmpty { throw ValidationError("No sentences were given (the input has no non-blank line).") }
        return lines
    }
}
