/// Why a record was skipped. `kind` groups them for counting.
public enum RecordIssueReason: Sendable, Hashable {
    /// Skipped: not valid UTF-8 (policy `skip`).
    case invalidUTF8
    /// Kept, with each invalid sequence replaced by U+FFFD (policy `replace`); not a skip.
    case invalidUTF8Repaired
    case unterminatedQuote
    case wrongFieldCount(expected: Int, found: Int)
    case recordTooLarge(limit: Int)
    case invalidJSON(String)
    case missingField(String)
    case fieldNotString(String)
    /// Skipped: the record holds NUL bytes (binary data, or UTF-16/UTF-32 without a byte-order mark).
    case containsNUL

    /// A stable short name for counting and for JSON reports.
    public var kind: String {
        switch self {
        case .invalidUTF8: "invalid-utf8"
        case .invalidUTF8Repaired: "invalid-utf8-replaced"
        case .unterminatedQuote: "unterminated-quote"
        case .wrongFieldCount: "wrong-field-count"
        case .recordTooLarge: "record-too-large"
        case .invalidJSON: "invalid-json"
        case .missingField: "missing-field"
        case .fieldNotString: "field-not-string"
        case .containsNUL: "nul-bytes"
        }
    }

    public var sentence: String {
        switch self {
        case .invalidUTF8:
            "the record is not valid UTF-8."
        case .invalidUTF8Repaired:
            "the record is not valid UTF-8; invalid bytes were replaced with U+FFFD."
        case .unterminatedQuote:
            "a quoted field is never closed before the end of the input."
        case let .wrongFieldCount(expected, found):
            "the row has \(found) field\(found == 1 ? "" : "s"), but the header has \(expected)."
        case let .recordTooLarge(limit):
            "the record is longer than \(limit) bytes (--max-record-bytes)."
        case let .invalidJSON(detail):
            "the line is not a valid JSON object: \(detail)."
        case let .missingField(name):
            "the object has no field '\(name)'."
        case let .fieldNotString(name):
            "the field '\(name)' is not a string."
        case .containsNUL:
            "the record holds NUL bytes, which text does not (binary data, or UTF-16/UTF-32 text without a byte-order "
                + "mark?)."
        }
    }
}
