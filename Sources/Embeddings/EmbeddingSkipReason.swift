/// Why a line (or binary record) of a vectors file was skipped.
public enum EmbeddingSkipReason: String, Sendable, CaseIterable, Comparable {
    /// A `count dim` line in a file read as GloVe (`--format glove`).
    case header
    /// A line with nothing but white space.
    case emptyLine = "empty line"
    /// A token without any numbers after it.
    case tooFewFields = "too few fields"
    /// A value that is not a number. Values are parsed only for vocabulary tokens, so this is
    /// found only on lines that would have been kept.
    case nonNumeric = "non-numeric value"
    /// A line with more or fewer numbers than the dimension.
    case wrongDimension = "wrong dimension"
    /// A line longer than the line limit.
    case overlongLine = "overlong line"
    /// `nan` or `inf` (text), or a NaN or infinite float32 (binary): it would make the whole
    /// matrix NaN through the random OOV vectors' mean. Like the other value checks, found in
    /// text only on lines that would have been kept; every binary record is checked.
    case nonFinite = "non-finite value"
    /// A decimal number too large for a float32 (`1e40`).
    case outOfRange = "value out of Float32 range"
    /// A finite value above ``EmbeddingOptions/maxAbsoluteValue`` in magnitude.
    case implausibleValue = "implausibly large value"

    /// The reason as the end of a sentence.
    public var sentence: String {
        switch self {
        case .header: "the line looks like a word2vec 'count dimension' header, but the file is read as GloVe."
        case .emptyLine: "the line is empty."
        case .tooFewFields: "the line has a token but no numbers."
        case .nonNumeric: "a value is not a number."
        case .wrongDimension: "the line has a different number of values than the dimension read."
        case .overlongLine: "the line is longer than the line limit."
        case .nonFinite: "a value is not finite (nan or inf)."
        case .outOfRange: "a value is too large for a 32-bit float."
        case .implausibleValue: "a value is larger in magnitude than --max-value (embeddings.max_value) allows."
        }
    }

    /// Whether `strict` stops at it: headers and empty lines are harmless.
    var isMalformed: Bool { self != .header && self != .emptyLine }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
