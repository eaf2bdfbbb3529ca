/// One member of an input as the reader met it.
public struct MemberInfo: Sendable, Hashable {
    /// The input as the user named it.
    public var input: String
    /// The member's path in an archive; `nil` for a plain or compressed single file.
    public var name: String?
    /// Compression detected from the bytes, outermost first (`["gzip"]`, `[]` for plain).
    public var compression: [String]
    /// The container format libarchive detected: "raw" for a single stream, "ZIP 2.0 …", "GNU tar format", …
    public var container: String
    /// The record format used for this member (after `auto` detection).
    public var format: RecordFormat
    /// The text encoding its byte-order mark announced ("UTF-16LE", …), transcoded to UTF-8;
    /// `nil` for UTF-8.
    public var encoding: String?

    public init(
        input: String, name: String?, compression: [String], container: String, format: RecordFormat,
        encoding: String? = nil
    ) {
        self.input = input
        self.name = name
        self.compression = compression
        self.container = container
        self.format = format
        self.encoding = encoding
    }
}
