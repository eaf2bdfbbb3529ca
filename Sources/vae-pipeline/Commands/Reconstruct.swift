import ArgumentParser
import Foundation
import NeuralCore
import Training

extension VAEPipeline {
    /// `vae-pipeline reconstruct`: sentences through the encoder and back through the decoder.
    struct Reconstruct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode sentences (posterior mean) and decode them again.",
            discussion: "Words outside the run's vocabulary become <unk>; sentences longer than the run's max length are cut.")

        @OptionGroup var model: RunOptions
        @OptionGroup var input: SentenceInput
        @OptionGroup var decoding: DecodingOptions

        @Flag(help: "Decode a sample z ~ q(z|x) instead of the posterior mean.")
        var sampleLatent = false

        func run() throws {
            let trained = try model.load()
            let sentences = try input.read()
            var rng = RandomGenerator(seed: decoding.seed)
            let (means, logVariances) = try trained.encode(sentences)
            let latents = sampleLatent
                ? zip(means, logVariances).map { mean, logVariance in zip(mean, logVariance).map { $0 + exp(0.5 * $1) * rng.nextNormal() } }
                : means
            let outputs = trained.decode(latents, strategy: decoding.strategy, maxLength: decoding.maxWords, rng: &rng)
            for (sentence, output) in zip(sentences, outputs) {
                print("\(sentence)\n  → \(output)")
            }
        }
    }
}
