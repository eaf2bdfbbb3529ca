/// The record parser of a member's format, as ``CorpusReader`` makes it.
func makeRecordParser(for info: MemberInfo, options: ReaderOptions) -> any RecordParser {
    switch info.format {
    case .lines, .auto:
        return LineRecordParser(maxRecordBytes: options.maxRecordBytes)
    case .csv, .tsv:
        let delimiter = options.delimiter ?? (info.format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ","))
        return CSVRecordParser(
            delimiter: delimiter, hasHeader: options.hasHeader, selectors: options.columns,
            maxRecordBytes: options.maxRecordBytes, member: info)
    case .jsonl:
        return JSONLinesRecordParser(fields: options.jsonFields, maxRecordBytes: options.maxRecordBytes)
    case .text:
        return TextRecordParser(maxPieceBytes: Swift.max(options.chunkBytes, options.maxRecordBytes))
    }
}

extension CorpusReader {
    /// Parses bytes already in memory (one uncompressed member) with the parser `read` would
    /// use for `format`, handing them over in pieces of `pieceBytes` as the decompressing thread
    /// would, so records that straddle pieces take the same path as in a streamed read.
    /// Skipped records are in the chunk's ``RecordChunk/issues`` (`strict` is not applied).
    /// For tests and fuzzing; reading files goes through ``CorpusReader`` itself.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, format: RecordFormat, options: ReaderOptions, pieceBytes: Int = 256 << 10
    ) throws(CorpusError) -> RecordChunk {
        try options.validate()
        if Set(options.columns).count != options.columns.count {
            throw .invalidOptions("A column is selected twice; each column can become records once.")
        }
        if !options.hasHeader, options.columns.contains(where: { if case .name = $0 { true } else { false } }) {
            throw .invalidOptions("A column is chosen by name, but the input has no header row.")
        }
        let info = MemberInfo(input: "-", name: nil, compression: [], container: "raw", format: format)
        var parser = makeRecordParser(for: info, options: options)
        var builder = RecordChunkBuilder(member: info, firstRecordIndex: 0, invalidUTF8: options.invalidUTF8)
        var validation = RecordStreamValidation(format: format, isa: ByteScanning.instructionSet)
        let all = bytes.assumingMemoryBound(to: UInt8.self)
        let step = Swift.max(1, pieceBytes)
        var start = 0
        while start < all.count {
            let end = Swift.min(all.count, start + step)
            let piece = UnsafeBufferPointer(rebasing: all[start..<end])
            builder.recordsAreValidUTF8 = validation.recordsAreValid(through: piece)
            try parser.parse(piece, into: &builder)
            start = end
        }
        builder.recordsAreValidUTF8 = validation.recordsAreValidAtEnd
        try parser.finish(into: &builder)
        return builder.chunk
    }
}
