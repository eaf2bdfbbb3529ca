/// What to do with bytes that are not valid UTF-8.
public enum InvalidUTF8Policy: String, Sendable, CaseIterable, Codable {
    /// Replace each invalid sequence with U+FFFD and keep the record (counted).
    case replace
    /// Skip the record (counted).
    case skip
}
