import ArgumentParser
import Models

/// How sentences are generated from latent codes.
///
/// `--temperature` and `--top-k` belong to `--decoding sample`, `--beam-width` to `--decoding beam`;
/// given with another method they would change nothing, so they are refused.
struct DecodingOptions: ParsableArguments {
    enum Method: String, ExpressibleByArgument, CaseIterable { case greedy, sample, beam }

    /// Beam search holds width × vocabulary log-probabilities per latent and step (8 bytes each):
    /// 1000 × 50,000 words is 400 MB, so wider beams are refused rather than exhausting memory.
    static let maxBeamWidth = 1000

    @Option(
        help: """
            greedy (most likely word each step), sample (from the softmax, with --temperature and --top-k) \
            or beam (--beam-width).
            """
    )
    var decoding: Method = .greedy

    @Option(
        help: "With --decoding sample: sampling temperature (below 1: safer words; above 1: more varied; default 1).")
    var temperature: Float?

    @Option(help: "With --decoding sample: sample only among the k most likely words.")
    var topK: Int?

    @Option(
        help: """
            With --decoding beam: beam width, 1 to \(DecodingOptions.maxBeamWidth) \
            (default 5; memory grows with width × vocabulary).
            """
    )
    var beamWidth: Int?

    @Option(help: "Stop decoding a sentence after this many words (default: the run's max length + 10).")
    var maxWords: Int?

    @Option(
        name: .customLong("seed"),
        help: """
            Seed of what is random: --decoding sample, sample's latent codes, reconstruct's --sample-latent \
            (default 1).
            """
    )
    var givenSeed: UInt64?

    var seed: UInt64 { givenSeed ?? 1 }

    /// Refuses `--seed` where nothing is random (`drawsRandomly`: the command draws latents).
    func checkSeed(drawsRandomly: Bool) throws {
        if givenSeed != nil && decoding != .sample && !drawsRandomly {
            throw ValidationError(
                "--seed changes nothing here: --decoding \(decoding.rawValue) draws nothing at random. "
                    + "Add --decoding sample or drop --seed."
            )
        }
    }

    func validate() throws {
        if let temperature, !(temperature > 0 && temperature.isFinite) {
            throw ValidationError("--temperature must be a positive number; \(temperature) was given.")
        }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1; \(topK) was given.") }
        if let beamWidth, !(1...Self.maxBeamWidth).contains(beamWidth) {
            throw ValidationError(
                "--beam-width must be between 1 and \(Self.maxBeamWidth) (memory grows with width × vocabulary); "
                    + "\(beamWidth) was given."
            )
        }
        if let maxWords, maxWords < 1 {
            throw ValidationError("--max-words must be at least 1; \(maxWords) was given.")
        }
        if decoding != .sample {
            if temperature != nil {
                throw ValidationError(
                    "--temperature applies to --decoding sample only; with --decoding \(decoding.rawValue) "
                        + "it would change nothing. Add --decoding sample or drop --temperature."
                )
            }
            if topK != nil {
                throw ValidationError(
                    "--top-k applies to --decoding sample only; with --decoding \(decoding.rawValue) "
                        + "it would change nothing. Add --decoding sample or drop --top-k."
                )
            }
        }
        if decoding != .beam, beamWidth != nil {
            throw ValidationError(
                "--beam-width applies to --decoding beam only; with --decoding \(decoding.rawValue) "
                    + "it would change nothing. Add --decoding beam or drop --beam-width."
            )
        }
    }

    var strategy: DecodingStrategy {
        switch decoding {
        case .greedy: .greedy
        case .sample: .sample(temperature: temperature ?? 1, topK: topK)
        case .beam: .beam(width: beamWidth ?? 5)
        }
    }

    /// Latents decoded (and their sentences printed) at a time, so that output starts at once and
    /// memory does not grow with the number of sentences.
    static let latentsPerGroup = 256
}
