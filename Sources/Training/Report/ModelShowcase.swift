import Foundation
import Models
import NeuralCore
import Support
import Tokenization

/// What a trained model shows people — samples from its prior, reconstructions, a path
/// between two latents, the latent picture, invented words — as the same operations serve the
/// run's summary (`Trainer`) and the commands (`TrainedModel`: `sample`, `reconstruct`,
/// `interpolate`). Operations the model lacks return nothing here; the commands refuse them.
public struct ModelShowcase {
    public let model: any TextModel
    public let kind: ModelKind
    public let text: SequenceText
    /// The generation length when none is asked for.
    public let defaultLength: Int

    public init(model: any TextModel, kind: ModelKind, vocabulary: Vocabulary, defaultLength: Int) {
        self.model = model
        self.kind = kind
        text = SequenceText(vocabulary: vocabulary, kind: kind)
        self.defaultLength = defaultLength
    }

    var latentModel: (any LatentTextModel)? { model as? any LatentTextModel }

    /// Sequences from the prior, as text.
    public func samples(count: Int, strategy: DecodingStrategy, maxLength: Int? = nil, rng: inout RandomGenerator)
        -> [String]
    {
        guard count > 0 else { return [] }
        return model.generate(count: count, maxLength: maxLength ?? defaultLength, strategy: strategy, rng: &rng).map(
            text.text(of:))
    }

    /// The summary's samples: greedy for the models with a sentence latent (each z gives its
    /// sequence), sampled at temperature 1 for the VRNN and the language model, whose greedy
    /// output is one sequence repeated.
    public var summaryStrategy: DecodingStrategy { latentModel == nil ? .sample(temperature: 1, topK: nil) : .greedy }

    /// Latent vectors (rows) decoded to text.
    public func decode(
        _ latents: [[Float]], strategy: DecodingStrategy, maxLength: Int? = nil, rng: inout RandomGenerator
    ) -> [String] {
        guard let latentModel, !latents.isEmpty else { return [] }
        let tensor = Tensor(shape: [latents.count, latentModel.latentWidth], latents.flatMap { $0 })
        return latentModel.decode(tensor, strategy: strategy, maxLength: maxLength ?? defaultLength, rng: &rng).map(
            text.text(of:))
    }

    /// Posterior means of id sequences (none empty), one row each.
    public func means(of sequences: [[Int32]]) -> [[Float]] {
        guard let latentModel, !sequences.isEmpty else { return [] }
        let (mean, _) = latentModel.encode(TokenBatch(sentences: sequences))
        let width = latentModel.latentWidth
        return (0..<sequences.count).map { Array(UnsafeBufferPointer(start: mean.data + $0 * width, count: width)) }
    }

    /// Greedy reconstructions from the posterior means.
    public func reconstructions(of sequences: [[Int32]], rng: inout RandomGenerator) -> [RunSummary.Reconstruction] {
        let decoded = decode(means(of: sequences), strategy: .greedy, rng: &rng)
        return zip(sequences, decoded).map { RunSummary.Reconstruction(input: text.text(of: $0), output: $1) }
    }

    /// Points `range` of a straight path of `steps` points from `from` to `to` (both included).
    public static func path(from: [Float], to: [Float], steps: Int, range: Range<Int>) -> [[Float]] {
        range.map { step in
            let t = Float(step) / Float(max(1, steps - 1))
            return zip(from, to).map { (1 - t) * $0 + t * $1 }
        }
    }

    /// The summary's interpolation: greedy decodings along the path between two sequences' means,
    /// the ends marked with their inputs.
    public func interpolation(between first: [Int32], and second: [Int32], steps: Int = 7, rng: inout RandomGenerator)
        -> [String]
    {
        let ends = means(of: [first, second])
        guard ends.count == 2 else { return [] }
        var lines = decode(
            Self.path(from: ends[0], to: ends[1], steps: steps, range: 0..<steps), strategy: .greedy, rng: &rng)
        lines[0] = "[\(text.text(of: first))] → " + lines[0]
        lines[steps - 1] += " ← [\(text.text(of: second))]"
        return lines
    }

    /// Validation means projected on their first two principal axes, with their texts.
    public func latentPicture(of sequences: [[Int32]]) -> (points: [[Double]], labels: [String], explained: [Double]) {
        let rows = means(of: sequences)
        guard !rows.isEmpty else { return ([], [], []) }
        let projection = PrincipalComponents.project(rows)
        return (projection.projected, sequences.map(text.text(of:)), projection.explained)
    }

    /// The word VAE's invention: 1,000 words sampled from the prior (temperature 1) against its list.
    public func wordReport(words: [String], rng: inout RandomGenerator) -> WordSampleReport {
        WordSampleReport(
            samples: samples(count: 1_000, strategy: .sample(temperature: 1, topK: nil), rng: &rng), words: Set(words))
    }
}
