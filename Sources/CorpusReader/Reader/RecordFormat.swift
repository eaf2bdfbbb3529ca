/// How the reader turns bytes into records.
public enum RecordFormat: String, Sendable, CaseIterable, Codable {
    /// Choose by the member's (or file's) name: `.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, else `lines`.
    case auto
    /// One record per line (LF or CRLF); empty lines are skipped and counted.
    case lines
    /// RFC 4180 comma-separated values with a header row by default.
    case csv
    /// Tab-separated values, quoted like CSV.
    case tsv
    /// One JSON object per line; the named string fields become records.
    case jsonl
    /// The whole stream as one character stream, delivered in pieces (for character models).
    case text

    /// The format `auto` resolves to for a member or file name (compression suffixes ignored).
    public static func detect(fromName name: String) -> RecordFormat {
        var lowered = name.lowercased()
        let compressionSuffixes = [".gz", ".gzip", ".bz2", ".xz", ".lzma", ".zst", ".zstd", ".lz4", ".z"]
        while let suffix = compressionSuffixes.first(where: { lowered.hasSuffix($0) }) {
            lowered.removeLast(suffix.count)
        }
        if lowered.hasSuffix(".csv") { return .csv }
        if lowered.hasSuffix(".tsv") || lowered.hasSuffix(".tab") { return .tsv }
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return .jsonl }
        return .lines
    }
}
