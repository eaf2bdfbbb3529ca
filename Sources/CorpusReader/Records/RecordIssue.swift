/// A record the reader skipped (or, with `strict`, stopped at), and why.
public struct RecordIssue: Sendable, Hashable, CustomStringConvertible {
    public var location: RecordLocation
    public var reason: RecordIssueReason

    public init(location: RecordLocation, reason: RecordIssueReason) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "\(location): \(reason.sentence)" }

    /// Whether the record was dropped (every reason but a UTF-8 repair).
    public var isSkip: Bool { reason != .invalidUTF8Repaired }
}
