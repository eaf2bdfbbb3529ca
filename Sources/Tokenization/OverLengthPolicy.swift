/// What happens to sequences longer than a ``LengthPolicy``'s maximum length.
public enum OverLengthPolicy: String, Sendable, CaseIterable, Codable {
    /// Keep the first ids (the `<eos>` id, when added, is kept as the last one).
    case truncate
    /// Leave the sequence out (counted).
    case drop
}
