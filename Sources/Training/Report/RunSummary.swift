import Foundation

/// What a finished (or stopped) run leaves for people to read: `RUN/summary.json`, the source of
/// the report's samples, reconstructions, interpolation and latent picture.
public struct RunSummary: Codable, Sendable, Equatable {
    public struct Reconstruction: Codable, Sendable, Equatable {
        public var input: String
        public var output: String
        public init(input: String, output: String) { self.input = input; self.output = output }
    }

    public var name: String
    public var step: Int
    public var epoch: Int
    public var seconds: Double
    public var tokensPerSecond: Double?
    public var stoppedBecause: String
    public var settings: [String: String]
    public var validation: ValidationSummary?
    public var samples: [String]
    public var reconstructions: [Reconstruction]
    public var interpolation: [String]
    /// Validation latent means projected on their first two principal axes.
    public var latentPoints: [[Double]]
    public var latentPointLabels: [String]
    public var explainedVariance: [Double]
    /// The model family (`sentence_vae`, `char_vae`, …); nil in summaries written before there were others.
    public var model: String?
    /// Validation bits per character (character models: −ELBO or NLL per symbol in bits).
    public var bitsPerCharacter: Double?
    /// The word VAE's invented words: how many are new.
    public var words: WordSampleReport?
    /// Mean token F1 between validation sequences and their greedy reconstructions from the
    /// posterior mean (``ReconstructionScore``), over the first 200; nil without a sentence latent.
    public var reconstructionF1: Double?

    public init(
        name: String, step: Int, epoch: Int, seconds: Double, tokensPerSecond: Double?, stoppedBecause: String,
        settings: [String: String], validation: ValidationSummary?, samples: [String],
        reconstructions: [Reconstruction],
        interpolation: [String], latentPoints: [[Double]], latentPointLabels: [String], explainedVariance: [Double]
    ) {
        self.name = name
        self.step = step
        self.epoch = epoch
        self.seconds = seconds
        self.tokensPerSecond = tokensPerSecond
        self.stoppedBecause = stoppedBecause
        self.settings = settings
        self.validation = validation
        self.samples = samples
        self.reconstructions = reconstructions
        self.interpolation = interpolation
        self.latentPoints = latentPoints
        self.latentPointLabels = latentPointLabels
        self.explainedVariance = explainedVariance
    }

    public static let fileName = "summary.json"
}
