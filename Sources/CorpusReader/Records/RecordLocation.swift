/// Where a record starts: the input, the archive member (if any) and the 1-based line.
public struct RecordLocation: Sendable, Hashable, CustomStringConvertible {
    /// The input as the user named it (a path, or `-` for standard input).
    public var input: String
    /// The member inside an archive, or `nil` for a plain or compressed single file.
    public var member: String?
    /// The 1-based line where the record starts (CSV records can span lines).
    public var line: Int

    public init(input: String, member: String?, line: Int) {
        self.input = input
        self.member = member
        self.line = line
    }

    /// `data.csv.gz:12`, or `corpus.zip:train.csv:12` inside an archive.
    public var description: String {
        if let member { return "\(input):\(member):\(line)" }
        return "\(input):\(line)"
    }
}
