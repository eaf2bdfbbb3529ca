/// A progress snapshot: figures over the last logging window.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var maxSteps: Int?
    public var tokensPerSecond: Double
    public var loss: Double
    public var reconstruction: Double
    public var kl: Double
    public var beta: Double
    /// Share of the current epoch read, from input bytes (nil when unknown, e.g. standard input).
    public var epochFraction: Double?
    public var etaSeconds: Double?
}
