/// A parameter with its dotted name, e.g. `encoder.lstm.weight_ih_l0`.
public struct NamedParameter {
    public let name: String
    public let parameter: Parameter
    public init(_ name: String, _ parameter: Parameter) { self.name = name; self.parameter = parameter }
}
