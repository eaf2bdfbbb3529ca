/// A CSV column chosen by header name or by 0-based index.
public enum ColumnSelector: Sendable, Hashable, CustomStringConvertible {
    case name(String)
    case index(Int)

    /// Parses a user's `--column` value: digits are an index, anything else a header name.
    public init(parsing text: String) {
        if let index = Int(text), index >= 0 { self = .index(index) } else { self = .name(text) }
    }

    public var description: String {
        switch self {
        case let .name(name): name
        case let .index(index): "#\(index)"
        }
    }
}
