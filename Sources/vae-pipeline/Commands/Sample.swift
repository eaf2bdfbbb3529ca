import ArgumentParser
import Foundation
import NeuralCore
import Support
import Training

extension VAEPipeline {
    /// `vae-pipeline sample`: sentences generated from the prior.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Generate from the model's prior: sentences (z ~ N(0, I), decoded greedily, by sampling or by beam "
                    + "search), invented words, or character text (VRNN, language model).",
            discussion: """
                Sentences are decoded \(DecodingOptions.latentsPerGroup) at a time and printed as each group is \
                done, so any --count runs in the same memory. --beam-width is at most \(DecodingOptions.maxBeamWidth).
                """)

        @OptionGroup var model: RunOptions
        @OptionGroup var decoding: DecodingOptions

        @Option(help: "How many sentences (streamed: memory does not grow with the count).")
        var count: Int = 10

        @Option(
            help: ArgumentHelp("Character models: continue this start string (printed with it).", valueName: "text"))
        var prefix: String?

        func validate() throws {
            if count < 1 { throw ValidationError("--count must be at least 1; \(count) was given.") }
        }

        func run() throws {
            let trained = try model.load()
            var rng = RandomGenerator(seed: decoding.seed)
            try trained.check(decoding.strategy)
            var remaining = count
            while remaining > 0 {
                let group = min(remaining, DecodingOptions.latentsPerGroup)
                let sentences =
                    try prefix.map {
                        try trained.generate(
                            count: group, continuing: $0, strategy: decoding.strategy, maxLength: decoding.maxWords,
                            rng: &rng)
                    }
                    ?? trained.generate(
                        count: group, strategy: decoding.strategy, maxLength: decoding.maxWords, rng: &rng)
                for sentence in sentences {
                    print(sentence.isEmpty ? "(empty: <eos> first)" : sentence)
                }
                fflush(nil)
                remaining -= group
            }
        }
    }
}
