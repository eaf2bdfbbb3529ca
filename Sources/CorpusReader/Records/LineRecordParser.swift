/// `lines`: one record per line; empty lines are counted and passed over.
struct LineRecordParser: RecordParser {
    private var splitter: LineSplitter

    init(maxRecordBytes: Int) {
        splitter = LineSplitter(maxLineBytes: maxRecordBytes)
    }

    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, into builder: inout RecordChunkBuilder) throws(CorpusError)
    {
        let limit = splitter.maxLineBytes
        try splitter.split(bytes) { line, number, tooLarge in
            Self.take(line, number, tooLarge, limit: limit, into: &builder)
        }
    }

    mutating func finish(into builder: inout RecordChunkBuilder) throws(CorpusError) {
        let limit = splitter.maxLineBytes
        try splitter.finish { line, number, tooLarge in
            Self.take(line, number, tooLarge, limit: limit, into: &builder)
        }
    }

    private static func take(
        _ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ tooLarge: Bool, limit: Int,
        into builder: inout RecordChunkBuilder
    ) {
        if tooLarge {
            builder.skip(.recordTooLarge(limit: limit), line: number)
        } else if line.isEmpty {
            builder.blankLine()
        } else {
            builder.emit(line, line: number, field: 0)
        }
    }
}
