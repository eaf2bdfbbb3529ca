import ArgumentParser
import Foundation
import NeuralCore
import Support
import Training

extension VAEPipeline {
    /// `vae-pipeline reconstruct`: sentences through the encoder and back through the decoder.
    struct Reconstruct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode sentences (posterior mean) and decode them again.",
            discussion:
                "Words outside the run's vocabulary become <unk>; sentences longer than the run's max length are cut.")

        @OptionGroup var model: RunOptions
        @OptionGroup var input: SentenceInput
        @OptionGroup var decoding: DecodingOptions

        @Flag(help: "Decode a sample z ~ q(z|x) instead of the posterior mean.")
        var sampleLatent = false

        func validate() throws {
            try decoding.checkSeed(drawsRandomly: sampleLatent)
        }

        func run() throws {
            let trained = try model.load()
            let sentences = try input.read()
            var rng = RandomGenerator(seed: decoding.seed)
            // All at once, so that an error names the sentence's line among all of them.
            try trained.check(decoding.strategy)
            let (means, logVariances) = try trained.encode(sentences)
            // Decoded a group at a time and printed as it is done: outputs never pile up.
            for start in stride(from: 0, to: sentences.count, by: DecodingOptions.latentsPerGroup) {
                let range = start..<min(sentences.count, start + DecodingOptions.latentsPerGroup)
                let latents =
                    sampleLatent
                    ? range.map { row in
                        zip(means[row], logVariances[row]).map { $0 + exp(0.5 * $1) * rng.nextNormal() }
                    }
                    : Array(means[range])
                let outputs = try trained.decode(
                    latents, strategy: decoding.strategy, maxLength: decoding.maxWords, rng: &rng)
                for (sentence, output) in zip(sentences[range], outputs) {
                    print("\(sentence)\n  → \(output)")
                }
                fflush(nil)
            }
        }
    }
}
