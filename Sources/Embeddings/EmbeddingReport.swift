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
