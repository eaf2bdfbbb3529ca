/// What one training step measured (means are per sentence).
public struct StepMetrics: Sendable, Hashable {
    /// The optimised loss: reconstruction + β · (KL, or its free-bits floor), per sentence.
    public var loss: Double
    /// The summed NLL of a sentence's targets (its tokens and `<eos>`), averaged over sentences.
    public var reconstruction: Double
    /// KL(q(z|x) ‖ N(0, I)) per sentence (without the free-bits floor).
    public var kl: Double
    /// The number of targets (tokens + one `<eos>` per sentence).
    public var tokens: Int
    public var sentences: Int

    public init(loss: Double, reconstruction: Double, kl: Double, tokens: Int, sentences: Int) {
        self.loss = loss; self.reconstruction = reconstruction; self.kl = kl
        self.tokens = tokens; self.sentences = sentences
    }
}
