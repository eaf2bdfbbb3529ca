import Foundation

/// One line of `RUN/metrics.jsonl`: a training window or a validation pass.
public struct MetricsRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case train, validation }

    public var kind: Kind
    public var step: Int
    public var epoch: Int
    /// Wall seconds since the run started (resumed runs continue the count).
    public var seconds: Double
    /// Means per sentence over the window (train) or the validation set.
    public var loss: Double
    public var reconstruction: Double
    public var kl: Double
    public var beta: Double?
    public var tokensPerSecond: Double?
    public var gradientNorm: Double?
    public var learningRate: Double?
    public var perplexity: Double?
    public var activeUnits: Int?
    public var mutualInformation: Double?
    /// Training across processes: wall seconds per step in collective reductions (waiting for
    /// the slowest process included) and bytes each process contributed per step, over the window.
    public var allreduceSeconds: Double?
    public var allreduceBytes: Int?
    /// The part of `allreduceSeconds` spent waiting for the other processes to arrive.
    public var allreduceWaitingSeconds: Double?

    public init(
        kind: Kind, step: Int, epoch: Int, seconds: Double, loss: Double, reconstruction: Double, kl: Double,
        beta: Double? = nil, tokensPerSecond: Double? = nil, gradientNorm: Double? = nil, learningRate: Double? = nil,
        perplexity: Double? = nil, activeUnits: Int? = nil, mutualInformation: Double? = nil
    ) {
        self.kind = kind
        self.step = step
        self.epoch = epoch
        self.seconds = seconds
        self.loss = loss
        self.reconstruction = reconstruction
        self.kl = kl
        self.beta = beta
        self.tokensPerSecond = tokensPerSecond
        self.gradientNorm = gradientNorm
        self.learningRate = learningRate
        self.perplexity = perplexity
        self.activeUnits = activeUnits
        self.mutualInformation = mutualInformation
    }

    enum CodingKeys: String, CodingKey {
        case kind, step, epoch, seconds, loss, reconstruction, kl, beta, perplexity
        case tokensPerSecond = "tokens_per_second"
        case gradientNorm = "gradient_norm"
        case learningRate = "learning_rate"
        case activeUnits = "active_units"
        case mutualInformation = "mutual_information"
        case allreduceSeconds = "allreduce_seconds"
        case allreduceBytes = "allreduce_bytes"
        case allreduceWaitingSeconds = "allreduce_waiting_seconds"
    }
}
