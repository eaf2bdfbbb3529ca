import Foundation
import NeuralCore
import Support
import Testing

@testable import Models

/// The whole model's loss (reconstruction + β·KL, padding, packing, word dropout with a fixed
/// generator) against central differences, for every kind of parameter in several variants.
@Suite struct SentenceVAEGradientTests {
    static func tiny(_ modify: (inout SentenceVAEConfiguration) -> Void) -> SentenceVAEConfiguration {
        var c = SentenceVAEConfiguration(
            vocabularySize: 9, embeddingDimension: 4, encoderHidden: 5, latent: 3,
            decoderHidden: 5)
        modify(&c)
        return c
    }

    static let variants: [(String, SentenceVAEConfiguration)] = [
        ("lstm", tiny { _ in }),
        (
            "gru",
            tiny {
                $0.encoderCell = .gru; $0.decoderCell = .gru
            }
        ),
        // Hidden sizes over 8 exercise the eight-lane SIMD gate kernels and their scalar remainder.
        (
            "gru, hidden 10/11",
            tiny {
                $0.encoderCell = .gru; $0.decoderCell = .gru; $0.encoderHidden = 10; $0.decoderHidden = 11
            }
        ),
        (
            "bidirectional + dense",
            tiny {
                $0.bidirectional = true; $0.encoderDense = 6
            }
        ),
        (
            "latent at every step only",
            tiny {
                $0.latentAtEveryStep = true; $0.latentToInitialState = false
            }
        ),
        (
            "latent both ways, 2 layers, gru decoder",
            tiny {
                $0.latentAtEveryStep = true; $0.decoderLayers = 2; $0.encoderLayers = 2; $0.decoderCell = .gru
            }
        ),
        (
            "word + embedding dropout (fixed rng)",
            tiny {
                $0.wordDropout = 0.4; $0.embeddingDropout = 0.2
            }
        ),
        ("output dropout (fixed rng)", tiny { $0.outputDropout = 0.3 }),
        (
            "output tied to the embedding",
            tiny {
                $0.embeddingDimension = 5; $0.tieOutputToEmbedding = true; $0.embeddingDropout = 0.2
            }
        )
    ]

    static func check(_ configuration: SentenceVAEConfiguration, label: String, objective: ObjectiveSettings) {
        var rng = RandomGenerator(seed: 11)
        let model = SentenceVAE(configuration: configuration, rng: &rng)
        let batch = randomBatch(B: 3, T: 5, V: configuration.vocabularySize, seed: 3, lengths: [5, 2, 3])
        func loss(gradients: Bool) -> Double {
            var noise = RandomGenerator(seed: 99)
            return model.run(batch, objective: objective, training: true, gradients: gradients, rng: &noise).metrics
                .loss
        }
        let params = model.namedParameters
        params.zeroGradients()
        _ = loss(gradients: true)
        var checked = 0
        // A tied table's <pad> row is held at zero (padding reads it): a constant, not a weight.
        let padRow = configuration.outputTied ? configuration.embeddingDimension : 0
        for p in params where p.parameter.isTrainable {
            checked += expectGradient(
                "\(label): \(p.name)", of: p.parameter.value, analytic: p.parameter.gradient,
                from: p.name == "embedding.weight" ? padRow : 0
            ) { loss(gradients: false) }
        }
        #expect(checked > 50)
    }

    @Test(arguments: 0..<variants.count) func wholeModelGradient(variant: Int) {
        let (label, c) = Self.variants[variant]
        Self.check(c, label: label, objective: ObjectiveSettings(beta: 0.7))
    }

    /// Free bits: the floor sits in the largest gap between the per-dimension KLs, so some
    /// dimensions are under it (zero KL gradient) and some above.
    @Test func gradientWithFreeBits() {
        let c = Self.tiny { $0.latent = 5 }
        var rng = RandomGenerator(seed: 11)
        let model = SentenceVAE(configuration: c, rng: &rng)
        let batch = randomBatch(B: 3, T: 5, V: c.vocabularySize, seed: 3, lengths: [5, 2, 3])
        let (m, lv) = model.encode(batch)
        let dims = KLTerm(mean: m, logVariance: lv, freeBits: 0, gradientScale: nil).perDimension.sorted()
        var widest = 1
        for i in 2..<dims.count where dims[i] - dims[i - 1] > dims[widest] - dims[widest - 1] { widest = i }
        let floor = Float((dims[widest] + dims[widest - 1]) / 2)
        let term = KLTerm(mean: m, logVariance: lv, freeBits: floor, gradientScale: 1)
        #expect(term.perDimension.contains { $0 < Double(floor) } && term.perDimension.contains { $0 > Double(floor) })
        Self.check(c, label: "free bits \(floor)", objective: ObjectiveSettings(beta: 1, freeBits: floor))
    }

    /// The frozen embedding gets no gradient and is skipped by the optimiser.
    @Test func frozenEmbeddingReceivesNoGradient() {
        let c = Self.tiny { $0.freezeEmbeddings = true }
        var rng = RandomGenerator(seed: 1)
        let model = SentenceVAE(configuration: c, rng: &rng)
        let batch = randomBatch(B: 3, T: 5, V: 9, seed: 3)
        _ = model.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &rng)
        #expect(model.embedding.weight.gradient.sumOfSquares() == 0)
        #expect(model.output.weight.gradient.sumOfSquares() > 0)
    }

    /// Tied, the output layer's weight is the embedding table: listed once, updated densely (a
    /// token no sentence of the batch reads still gets the output layer's gradient), with the
    /// `<pad>` row kept at zero.
    @Test func tiedOutputSharesTheEmbeddingTable() {
        let c = Self.tiny { $0.embeddingDimension = 5; $0.tieOutputToEmbedding = true }
        var rng = RandomGenerator(seed: 1)
        let model = SentenceVAE(configuration: c, rng: &rng)
        #expect(model.output.weight === model.embedding.weight)
        #expect(!model.embedding.weight.isSparse)
        let names = model.namedParameters.map(\.name)
        #expect(names.contains("embedding.weight") && names.contains("output.bias") && !names.contains("output.weight"))
        let batch = TokenBatch(sentences: [[4, 5, 6], [5, 4]], time: 3)  // ids 7 and 8 are never read
        _ = model.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &rng)
        let g = model.embedding.weight.gradient, E = c.embeddingDimension
        func rowNorm(_ r: Int) -> Float { (0..<E).reduce(0) { $0 + abs(g.data[r * E + $1]) } }
        #expect(rowNorm(SpecialToken.padding.index) == 0)
        #expect(rowNorm(7) > 0 && rowNorm(8) > 0)
        let padding = model.embedding.weight.value.data + SpecialToken.padding.index * E
        #expect((0..<E).allSatisfy { padding[$0] == 0 })
    }

    /// Configurations written before tying existed decode as untied.
    @Test func configurationsWithoutTheTieKeyDecodeUntied() throws {
        let json = try JSONEncoder().encode(Self.tiny { _ in })
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["tieOutputToEmbedding"] == nil)
        object["tieOutputToEmbedding"] = true
        object["embeddingDimension"] = 5
        let tied = try JSONDecoder().decode(
            SentenceVAEConfiguration.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(tied.outputTied)
        #expect(!(try JSONDecoder().decode(SentenceVAEConfiguration.self, from: json)).outputTied)
    }
}
