/// A recurrent layer whose parameters are one ``FusedGateWeights`` block (LSTM, GRU): the
/// parameter accessors and PyTorch names come from here.
public protocol FusedGateRecurrentLayer: RecurrentLayer {
    var weights: FusedGateWeights { get }
}

extension FusedGateRecurrentLayer {
    public var weightIH: Parameter { weights.weightIH }
    public var weightHH: Parameter { weights.weightHH }
    public var biasIH: Parameter { weights.biasIH }
    public var biasHH: Parameter { weights.biasHH }
    public var namedParameters: [NamedParameter] { weights.namedParameters }
}
