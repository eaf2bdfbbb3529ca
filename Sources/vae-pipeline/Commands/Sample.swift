import ArgumentParser
import Foundation
import NeuralCore
import Training

extension VAEPipeline {
    /// `vae-pipeline sample`: sentences generated from the prior.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate sentences from the prior: z ~ N(0, I), decoded greedily, by sampling or by beam search.")

        @OptionGroup var model: RunOptions
        @OptionGroup var decoding: DecodingOptions

        @Option(help: "How many sentences.")
        var count: Int = 10

        func validate() throws {
            if count < 1 { throw ValidationError("--count must be at least 1; \(count) was given.") }
        }

        func run() throws {
            let trained = try model.load()
            var rng = RandomGenerator(seed: decoding.seed)
            let latent = trained.manifest.model.latent
            let z = (0..<count).map { _ in (0..<latent).map { _ in rng.nextNormal() } }
            for sentence in trained.decode(z, strategy: decoding.strategy, maxLength: decoding.maxWords, rng: &rng) {
                print(sentence.isEmpty ? "(empty: <eos> first)" : sentence)
            }
        }
    }
}
