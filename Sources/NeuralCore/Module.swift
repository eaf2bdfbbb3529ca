/// Anything that owns parameters. Names are local (`weight`, `bias`, `weight_ih_l0`);
/// `parameters(prefix:)` joins them with a prefix using dots, so models compose listings:
///
///     encoder.parameters(prefix: "encoder.lstm") + projection.parameters(prefix: "decoder.out")
public protocol Module: AnyObject {
    /// The parameters with names local to this module, in a stable order.
    var namedParameters: [NamedParameter] { get }
}
