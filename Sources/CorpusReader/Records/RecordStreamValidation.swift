/// UTF-8 validation of a member's whole byte stream, piece by piece, so that records need no
/// validation of their own while the stream is well-formed (``RecordChunkBuilder/recordsAreValidUTF8``).
///
/// Only for formats whose records are made of the stream's bytes cut at ASCII bytes (quotes,
/// delimiters, line breaks) — CSV, TSV and lines: cutting well-formed UTF-8 there leaves
/// well-formed pieces, and pieces joined across a chunk boundary are the original bytes again.
/// Not for JSON Lines, whose escapes (`\ud800`) make bytes the stream never held. From the first
/// ill-formed byte on, records are validated one by one as before, so which records are repaired
/// or skipped never changes.
struct RecordStreamValidation {
    private var stream = ByteScanning.UTF8Stream()
    private let applies: Bool
    private let isa: ByteScanning.InstructionSet

    init(format: RecordFormat, isa: ByteScanning.InstructionSet) {
        switch format {
        case .csv, .tsv, .lines, .auto: applies = true
        case .jsonl, .text: applies = false
        }
        self.isa = isa
    }

    /// Validates the next piece of the member; whether records completed while parsing it are
    /// known to be well-formed.
    mutating func recordsAreValid(through piece: UnsafeBufferPointer<UInt8>) -> Bool {
        applies && stream.validate(isa, piece)
    }

    /// Whether the records completed at the member's end are known to be well-formed.
    var recordsAreValidAtEnd: Bool { applies && stream.isComplete }
}
