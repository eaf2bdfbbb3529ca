/// How the ELBO loss of one batch is weighted.
public struct ObjectiveSettings: Sendable, Hashable {
    /// The KL weight β (see ``KLAnnealing``).
    public var beta: Float
    /// Free bits (Kingma et al. 2016): a per-dimension KL floor in nats; 0 turns it off.
    public var freeBits: Float = 0

    public init(beta: Float, freeBits: Float = 0) {
        self.beta = beta
        self.freeBits = freeBits
    }
}
