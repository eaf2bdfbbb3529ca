import Support

/// The parameters of one recurrent layer with `gates` fused gates (LSTM 4: i, f, g, o; GRU 3:
/// r, z, n), in PyTorch's layout, names and initialisation, so checkpoints map 1:1 to
/// `torch.nn.LSTM` / `torch.nn.GRU`.
public struct FusedGateWeights: @unchecked Sendable {
    /// `[gates·H, I]`
    public let weightIH: Parameter
    /// `[gates·H, H]`
    public let weightHH: Parameter
    /// `[gates·H]`
    public let biasIH: Parameter
    /// `[gates·H]`
    public let biasHH: Parameter

    /// Initialisation: uniform(−1/√H, 1/√H) for every weight and bias, as PyTorch.
    public init(gates: Int, inputSize: Int, hiddenSize: Int, rng: inout RandomGenerator) {
        let k = 1 / Float(hiddenSize).squareRoot(), g = gates * hiddenSize
        weightIH = Parameter(.uniform([g, inputSize], low: -k, high: k, rng: &rng))
        weightHH = Parameter(.uniform([g, hiddenSize], low: -k, high: k, rng: &rng))
        biasIH = Parameter(.uniform([g], low: -k, high: k, rng: &rng))
        biasHH = Parameter(.uniform([g], low: -k, high: k, rng: &rng))
    }

    public var namedParameters: [NamedParameter] {
        [
            NamedParameter("weight_ih", weightIH), NamedParameter("weight_hh", weightHH),
            NamedParameter("bias_ih", biasIH), NamedParameter("bias_hh", biasHH)
        ]
    }
}
