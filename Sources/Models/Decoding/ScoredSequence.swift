/// A decoded sentence (without `<bos>` / `<eos>`) and its log-probability under the decoder,
/// including the `<eos>` step when the sentence ended before the length limit.
public struct ScoredSequence: Sendable, Hashable {
    public var tokens: [Int32]
    public var logProbability: Double
    /// Whether `<eos>` was produced (false: cut at the length limit).
    public var finished: Bool
}
