import Foundation
import NeuralCore
import Support

/// A model's hyper-parameters tagged by its family: what a run stores (`run.json`) and rebuilds
/// the model from. Encoded as `{"type": "vrnn", "configuration": {…}}`.
public enum ModelConfiguration: Codable, Sendable, Hashable {
    case sentenceVAE(SentenceVAEConfiguration)
    case characterVAE(CharacterVAEConfiguration)
    case vrnn(VRNNConfiguration)
    /// A sentence VAE over the letters of single words.
    case wordVAE(SentenceVAEConfiguration)
    case languageModel(LanguageModelConfiguration)

    public var kind: ModelKind {
        switch self {
        case .sentenceVAE: .sentenceVAE
        case .characterVAE: .characterVAE
        case .vrnn: .vrnn
        case .wordVAE: .wordVAE
        case .languageModel: .languageModel
        }
    }

    /// A model with fresh weights from `rng` (`embeddings` initialise a sentence VAE's table).
    public func makeModel(embeddings: Tensor? = nil, rng: inout RandomGenerator) -> any TextModel {
        switch self {
        case .sentenceVAE(let c), .wordVAE(let c): SentenceVAE(configuration: c, embeddings: embeddings, rng: &rng)
        case .characterVAE(let c): CharacterVAE(configuration: c, rng: &rng)
        case .vrnn(let c): VRNN(configuration: c, rng: &rng)
        case .languageModel(let c): LSTMLanguageModel(configuration: c, rng: &rng)
        }
    }

    /// The width of the one latent vector per sequence, or nil (VRNN: one per step; LM: none).
    public var sequenceLatent: Int? {
        switch self {
        case .sentenceVAE(let c), .wordVAE(let c): c.latent
        case .characterVAE(let c): c.latent
        case .vrnn, .languageModel: nil
        }
    }

    public var vocabularySize: Int {
        switch self {
        case .sentenceVAE(let c), .wordVAE(let c): c.vocabularySize
        case .characterVAE(let c): c.vocabularySize
        case .vrnn(let c): c.vocabularySize
        case .languageModel(let c): c.vocabularySize
        }
    }

    enum CodingKeys: String, CodingKey { case type, configuration }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .type)
        guard let kind = ModelKind(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription:
                    "unknown model type '\(name)'; known: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        switch kind {
        case .sentenceVAE:
            self = .sentenceVAE(try container.decode(SentenceVAEConfiguration.self, forKey: .configuration))
        case .characterVAE:
            self = .characterVAE(try container.decode(CharacterVAEConfiguration.self, forKey: .configuration))
        case .vrnn: self = .vrnn(try container.decode(VRNNConfiguration.self, forKey: .configuration))
        case .wordVAE: self = .wordVAE(try container.decode(SentenceVAEConfiguration.self, forKey: .configuration))
        case .languageModel:
            self = .languageModel(try container.decode(LanguageModelConfiguration.self, forKey: .configuration))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind.rawValue, forKey: .type)
        switch self {
        case .sentenceVAE(let c), .wordVAE(let c): try container.encode(c, forKey: .configuration)
        case .characterVAE(let c): try container.encode(c, forKey: .configuration)
        case .vrnn(let c): try container.encode(c, forKey: .configuration)
        case .languageModel(let c): try container.encode(c, forKey: .configuration)
        }
    }
}
