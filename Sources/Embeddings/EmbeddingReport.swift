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
        case .implausibleValue: "a value is larger in magnitude than --max-value allows."
        }
    }

    /// Whether `strict` stops at it: headers and empty lines are harmless.
    var isMalformed: Bool { self != .header && self != .emptyLine }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A vocabulary token without a vector, with its corpus count.
public struct OOVExample: Sendable, Equatable {
    public var token: String
    public var count: Int
}

/// Where the `<unk>` row of the matrix came from.
public enum UnknownVectorSource: String, Sendable {
    /// The file has a vector for `<unk>`.
    case file
    /// The mean of the matched vectors (the file has no `<unk>`).
    case mean
    /// The OOV policy, like any other missing token.
    case oovPolicy = "oov policy"
}

/// What decided the dimension of the matrix.
public enum DimensionSource: Sendable, Equatable {
    /// ``EmbeddingOptions/dimension`` (`--dimension`).
    case option
    /// The word2vec `count dimension` header.
    case header
    /// The most common number of values among the first vector lines.
    case commonest(agreeing: Int, sampled: Int)

    /// How the report says it.
    public var description: String {
        switch self {
        case .option: "set by --dimension"
        case .header: "from the header"
        case let .commonest(agreeing, sampled):
            sampled == 1
                ? "from the first vector line"
                : "the most common in the first \(sampled) vector lines (\(agreeing) of them)"
        }
    }
}

/// What loading a vectors file met: the file, its lines, coverage of the vocabulary.
public struct EmbeddingReport: Sendable {
    public var path: String
    /// The archive member read, `nil` for a plain or compressed file.
    public var member: String?
    /// Compression filters libarchive detected, outermost first.
    public var compression: [String] = []
    /// Container format libarchive detected ("raw" for a single stream).
    public var container = "raw"
    /// The format the file was read as (never `auto`).
    public var format: EmbeddingFormat = .glove
    public var dimension = 0
    public var dimensionSource: DimensionSource = .header
    /// The row count of a word2vec header.
    public var declaredRows: Int?
    /// Lines (text) or rows (binary) read, header included.
    public var linesRead = 0
    /// Decompressed bytes read.
    public var bytesRead: Int64 = 0
    /// Bytes of the file read (compressed).
    public var compressedBytesRead: Int64 = 0
    /// Skipped lines (records, in a binary file) by reason.
    public var skipped: [EmbeddingSkipReason: Int] = [:]
    /// The first few line numbers of each skip reason (for word2vec binary, record numbers:
    /// 1 is the first vector after the header).
    public var skippedLines: [EmbeddingSkipReason: [Int]] = [:]
    /// Later lines of a vocabulary token that already had a vector (the first one is kept).
    /// Duplicates are detected among vocabulary tokens only.
    public var duplicates = 0
    /// Vocabulary tokens (special tokens excluded) and how many got a vector.
    public var vocabularyTypes = 0
    public var typesFound = 0
    /// How many of `typesFound` were filled by a lowercased vector token.
    public var caseInsensitiveMatches = 0
    /// Corpus occurrences of the vocabulary tokens (special tokens excluded) and of those found.
    public var tokenOccurrences = 0
    public var occurrencesCovered = 0
    /// The most frequent vocabulary tokens without a vector (up to ten).
    public var oovExamples: [OOVExample] = []
    public var oovPolicy: OOVPolicy = .random
    public var unknownVector: UnknownVectorSource = .oovPolicy
    /// Things the user should know that did not stop the load.
    public var warnings: [String] = []

    public init(path: String) { self.path = path }

    /// Found / total vocabulary types (special tokens excluded).
    public var typeCoverage: Double { vocabularyTypes == 0 ? 0 : Double(typesFound) / Double(vocabularyTypes) }
    /// Found / total corpus occurrences, weighted by the vocabulary's counts.
    public var tokenCoverage: Double {
        tokenOccurrences == 0 ? 0 : Double(occurrencesCovered) / Double(tokenOccurrences)
    }
    /// All skipped lines.
    public var skippedTotal: Int { skipped.values.reduce(0, +) }
}
