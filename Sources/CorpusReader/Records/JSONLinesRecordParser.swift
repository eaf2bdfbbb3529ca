/// `jsonl`: one JSON object per line; each requested string field becomes a record.
/// A line that is not an object, or lacks a field, or has a non-string field, is skipped and
/// counted (per field, so one bad field does not cost the line's other fields).
struct JSONLinesRecordParser: RecordParser {
    private var splitter: LineSplitter
    private var extractor: JSONFieldExtractor
    private let fields: [String]

    init(fields: [String], maxRecordBytes: Int) {
        splitter = LineSplitter(maxLineBytes: maxRecordBytes)
        extractor = JSONFieldExtractor(fields: fields)
        self.fields = fields
    }

    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, into builder: inout RecordChunkBuilder) throws(CorpusError)
    {
        let limit = splitter.maxLineBytes
        var extractor = self.extractor
        defer { self.extractor = extractor }
        let fields = self.fields
        try splitter.split(bytes) { line, number, tooLarge in
            Self.take(line, number, tooLarge, limit: limit, fields: fields, extractor: &extractor, into: &builder)
        }
    }

    mutating func finish(into builder: inout RecordChunkBuilder) throws(CorpusError) {
        let limit = splitter.maxLineBytes
        var extractor = self.extractor
        defer { self.extractor = extractor }
        let fields = self.fields
        try splitter.finish { line, number, tooLarge in
            Self.take(line, number, tooLarge, limit: limit, fields: fields, extractor: &extractor, into: &builder)
        }
    }

    private static func take(
        _ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ tooLarge: Bool, limit: Int, fields: [String],
        extractor: inout JSONFieldExtractor, into builder: inout RecordChunkBuilder
    ) {
        if tooLarge {
            builder.skip(.recordTooLarge(limit: limit), line: number)
            return
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            builder.blankLine()
            return
        }
        do {
            try extractor.extract(line)
        } catch {
            guard case let .invalid(detail) = error else { return }
            builder.skip(.invalidJSON(detail), line: number)
            return
        }
        extractor.decoded.withUnsafeBufferPointer { decoded in
            for (slot, outcome) in extractor.outcomes.enumerated() {
                switch outcome {
                case let .found(range):
                    builder.emit(UnsafeBufferPointer(rebasing: decoded[range]), line: number, field: slot)
                case .missing:
                    builder.skip(.missingField(fields[slot]), line: number)
                case .notString:
                    builder.skip(.fieldNotString(fields[slot]), line: number)
                }
            }
        }
    }
}
