/// Everything that decides how inputs become record chunks.
public struct ReaderOptions: Sendable {
    public var format: RecordFormat = .auto
    /// The field separator for `csv` (default `,`) and `tsv` (default tab).
    public var delimiter: UInt8? = nil
    /// Whether the first row of each CSV/TSV member is a header.
    public var hasHeader: Bool = true
    /// CSV/TSV columns to take; each becomes one record per row, in this order. Empty: all.
    public var columns: [ColumnSelector] = []
    /// JSON Lines fields to take; each becomes one record per line, in this order.
    public var jsonFields: [String] = ["text"]
    /// Archive members to read (shell globs on the member path); empty: all regular members.
    public var memberPatterns: [String] = []
    /// Records longer than this are skipped and counted; memory stays bounded by it.
    public var maxRecordBytes: Int = 1 << 20
    /// The largest `maxRecordBytes` allowed.
    public static let maxRecordBytesLimit = 1 << 30
    public var invalidUTF8: InvalidUTF8Policy = .replace
    /// Turn the first bad record into an error instead of skipping it.
    public var strict: Bool = false
    /// Size of the decompressed byte chunks moved between threads.
    public var chunkBytes: Int = 256 << 10
    /// How many byte chunks may wait between the decompressing thread and the parser.
    public var chunksInFlight: Int = 4

    public init() {}

    /// Checks the options for contradictions, with a full-sentence message.
    public func validate() throws(CorpusError) {
        if maxRecordBytes < 16 {
            throw .invalidOptions("--max-record-bytes must be at least 16 bytes; \(maxRecordBytes) was given.")
        }
        if maxRecordBytes > Self.maxRecordBytesLimit {
            throw .invalidOptions(
                "--max-record-bytes must be at most \(Self.maxRecordBytesLimit) bytes (1 GiB: a record is held in memory "
                    + "whole, and the tokenizer takes records under 2 GiB); \(maxRecordBytes) was given.")
        }
        if chunkBytes < 4096 {
            throw .invalidOptions("The chunk size must be at least 4096 bytes; \(chunkBytes) was given.")
        }
        if chunksInFlight < 1 {
            throw .invalidOptions("At least one chunk must be allowed in flight.")
        }
        if let delimiter,
            delimiter == UInt8(ascii: "\"") || delimiter == UInt8(ascii: "\n") || delimiter == UInt8(ascii: "\r")
        {
            throw .invalidOptions("The delimiter cannot be a quote or a line break.")
        }
        if jsonFields.isEmpty && format == .jsonl {
            throw .invalidOptions("JSON Lines input needs at least one field to read (--field).")
        }
    }
}
