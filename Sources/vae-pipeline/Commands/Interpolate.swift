import ArgumentParser
import Foundation
import NeuralCore
import Support
import Training

extension VAEPipeline {
    /// `vae-pipeline interpolate`: a path between two sentences in latent space.
    struct Interpolate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Decode points on the straight line between two sentences' latent means (Bowman et al.'s homotopy).",
            discussion:
                "Points are decoded \(DecodingOptions.latentsPerGroup) at a time and printed as each group is done.")

        @OptionGroup var model: RunOptions

        @Argument(help: "The first sentence.")
        var from: String

        @Argument(help: "The second sentence.")
        var to: String

        @Option(help: "Points on the path, both ends included.")
        var steps: Int = 7

        @OptionGroup var decoding: DecodingOptions

        func validate() throws {
            if steps < 2 { throw ValidationError("--steps must be at least 2 (the two ends); \(steps) was given.") }
            try decoding.checkSeed(drawsRandomly: false)
        }

        func run() throws {
            let trained = try model.load()
            try trained.check(decoding.strategy)
            let (means, _) = try trained.encode([from, to])
            var rng = RandomGenerator(seed: decoding.seed)
            for start in stride(from: 0, to: steps, by: DecodingOptions.latentsPerGroup) {
                let range = start..<min(steps, start + DecodingOptions.latentsPerGroup)
                let path = ModelShowcase.path(from: means[0], to: means[1], steps: steps, range: range)
                let sentences = try trained.decode(
                    path, strategy: decoding.strategy, maxLength: decoding.maxWords, rng: &rng)
                for (step, sentence) in zip(range, sentences) {
                    print(String(format: "%.2f  ", Double(step) / Double(steps - 1)) + sentence)
                }
                fflush(nil)
            }
        }
    }
}
