/// `csv` and `tsv`: RFC 4180 records — quoted fields, `""` escapes, line breaks inside quotes,
/// CRLF, a byte-order mark, a header row, any one-byte delimiter.
///
/// A resumable state machine over raw bytes. Unquoted and quoted runs are scanned 32 or 64
/// bytes a step by ``ByteScanning`` (C: the structural bytes are rare, the text is not); bytes are copied only for the
/// selected columns, once into the
/// row buffer and once into the chunk. A row is emitted only when it ends, so a row with the
/// wrong number of fields is skipped whole. Lenient where common tools are lenient: a quote
/// inside an unquoted field, or text after a closing quote, is kept literally.
struct CSVRecordParser: RecordParser {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterCarriageReturn
    }

    private let delimiter: UInt8
    private let hasHeader: Bool
    private let selectors: [ColumnSelector]
    private let maxRecordBytes: Int
    private let member: MemberInfo
    /// The scanners' path, read once per member.
    private let isa = ByteScanning.instructionSet
    /// The bytes that end an unquoted field, for ``ByteScanning/firstOfInWord(_:_:_:)``.
    private let wordPatterns: ByteScanning.WordPatterns

    /// For each column index, the output slot it fills, or -1 when it is not taken.
    private var slotOfColumn: [Int] = []
    private var takesAllColumns: Bool
    private var expectingHeader: Bool
    private var expectedFieldCount: Int?

    private var state = State.fieldStart
    private var atMemberStart = true
    private var line = 1
    private var rowStartLine = 1
    private var fieldIndex = 0
    private var fieldByteCount = 0
    private var fieldWasQuoted = false
    private var rowByteCount = 0
    private var rowTooLarge = false
    private var rowHasContent = false

    /// The captured fields of the current row, back to back; `captured[slot]` gives each range.
    private let rowBytes = RowBuffer()
    private var capturedStart: [Int] = []
    private var capturedEnd: [Int] = []
    private var currentSlot = -1
    private var currentFieldStart = 0

    init(delimiter: UInt8, hasHeader: Bool, selectors: [ColumnSelector], maxRecordBytes: Int, member: MemberInfo) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.selectors = selectors
        self.maxRecordBytes = maxRecordBytes
        self.member = member
        wordPatterns = ByteScanning.WordPatterns(delimiter, UInt8(ascii: "\n"), UInt8(ascii: "\r"))
        takesAllColumns = selectors.isEmpty
        expectingHeader = hasHeader
        if !hasHeader && !selectors.isEmpty {
            resolveIndexSelectors()
        }
    }

    // MARK: Parsing

    mutating func parse(_ input: UnsafeBufferPointer<UInt8>, into builder: inout RecordChunkBuilder) throws(CorpusError)
    {
        var bytes = input
        if atMemberStart && !bytes.isEmpty {
            bytes = bytes.droppingByteOrderMark()
            atMemberStart = false
        }
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        let quote = UInt8(ascii: "\"")
        let lineFeed = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var index = 0
        // The state lives in a local while parsing, so that the compiler can jump from one
        // state's code straight to the next one's; a stored property, reloaded at each turn and
        // dispatched through the switch's table, was the parser's largest cost.
        var state = self.state
        defer { self.state = state }
        while index < count {
            switch state {
            case .afterCarriageReturn:
                if base[index] == lineFeed { index += 1 }
                state = .fieldStart

            case .fieldStart:
                beginField()
                if base[index] == quote {
                    fieldWasQuoted = true
                    rowHasContent = true
                    state = .quoted
                    index += 1
                } else {
                    state = .unquoted
                }

            case .unquoted:
                let start = index
                // Unquoted fields are mostly short (ids, numbers, labels): eight bytes tested at
                // once in a register find their end sooner than a call to the vector scanner.
                if let offset = ByteScanning.firstOfInWord(base + index, count - index, wordPatterns) {
                    index += offset
                } else {
                    index += ByteScanning.firstOf(isa, base + index, count - index, delimiter, lineFeed, carriageReturn)
                }
                append(base + start, index - start)
                guard index < count else { break }
                let byte = base[index]
                index += 1
                if byte == delimiter {
                    endField()
                    state = startField(base, count, &index)
                } else {
                    try endRow(into: &builder)
                    line += 1
                    rowStartLine = line
                    state = byte == carriageReturn ? .afterCarriageReturn : .fieldStart
                }

            case .quoted:
                let start = index
                // To the closing quote, counting line breaks on the way (they still count as
                // lines, for error locations), in one vector pass (``ByteScanning``).
                let end =
                    index + ByteScanning.firstQuote(isa, base + index, count - index, quote: quote, lineFeeds: &line)
                append(base + start, end - start)
                index = end
                if index < count {
                    index += 1
                    // The usual byte after a closing quote, a delimiter or a line feed, is
                    // handled here; the rest (a doubled quote, CR, text) by .quoteInQuoted.
                    if index < count && base[index] == delimiter {
                        index += 1
                        endField()
                        state = startField(base, count, &index)
                    } else if index < count && base[index] == lineFeed {
                        index += 1
                        try endRow(into: &builder)
                        line += 1
                        rowStartLine = line
                        state = startField(base, count, &index)
                    } else {
                        state = .quoteInQuoted
                    }
                }

            case .quoteInQuoted:
                let byte = base[index]
                if byte == quote {
                    // A doubled quote inside a quoted field stands for one quote.
                    append(base + index, 1)
                    index += 1
                    state = .quoted
                } else if byte == delimiter {
                    index += 1
                    endField()
                    state = .fieldStart
                } else if byte == lineFeed || byte == carriageReturn {
                    index += 1
                    try endRow(into: &builder)
                    line += 1
                    rowStartLine = line
                    state = byte == carriageReturn ? .afterCarriageReturn : .fieldStart
                } else {
                    state = .unquoted
                }
            }
        }
    }

    mutating func finish(into builder: inout RecordChunkBuilder) throws(CorpusError) {
        switch state {
        case .quoted:
            builder.skip(.unterminatedQuote, line: rowStartLine)
            resetRow()
        case .unquoted, .quoteInQuoted:
            try endRow(into: &builder)
        case .fieldStart:
            // "a,b," at the very end: the row's last field is empty.
            if fieldIndex > 0 {
                beginField()
                try endRow(into: &builder)
            }
        case .afterCarriageReturn:
            break
        }
        state = .fieldStart
    }

    /// Starts the field at `index` — without a trip through the state switch, which dominated
    /// the parser's time when every field went through `.fieldStart` — or leaves that to the
    /// next chunk when this one ends here.
    @inline(__always)
    private mutating func startField(_ base: UnsafePointer<UInt8>, _ count: Int, _ index: inout Int) -> State {
        guard index < count else { return .fieldStart }
        beginField()
        if base[index] == UInt8(ascii: "\"") {
            fieldWasQuoted = true
            rowHasContent = true
            index += 1
            return .quoted
        }
        return .unquoted
    }

    // MARK: Fields and rows

    private mutating func beginField() {
        fieldByteCount = 0
        fieldWasQuoted = false
        if takesAllColumns || expectingHeader {
            currentSlot = fieldIndex
            ensureSlot(fieldIndex)
        } else {
            currentSlot = fieldIndex < slotOfColumn.count ? slotOfColumn[fieldIndex] : -1
        }
        currentFieldStart = rowBytes.count
    }

    @inline(__always)
    private mutating func append(_ start: UnsafePointer<UInt8>, _ length: Int) {
        guard length > 0 else { return }
        fieldByteCount += length
        rowByteCount += length
        rowHasContent = true
        if rowByteCount > maxRecordBytes {
            if !rowTooLarge {
                rowTooLarge = true
                rowBytes.removeAll(keep: 0)
            }
            return
        }
        if currentSlot >= 0 && !rowTooLarge {
            rowBytes.append(start, length)
        }
    }

    private mutating func endField() {
        if currentSlot >= 0 && !rowTooLarge {
            capturedStart[currentSlot] = currentFieldStart
            capturedEnd[currentSlot] = rowBytes.count
        }
        fieldIndex += 1
    }

    private mutating func endRow(into builder: inout RecordChunkBuilder) throws(CorpusError) {
        endField()
        defer { resetRow() }
        let fieldCount = fieldIndex
        if fieldCount == 1 && !rowHasContent {
            builder.blankLine()
            return
        }
        if rowTooLarge {
            // Skipping the header would turn the first data row into the header.
            if expectingHeader {
                throw .headerTooLarge(location: builder.location(rowStartLine), limit: maxRecordBytes)
            }
            builder.skip(.recordTooLarge(limit: maxRecordBytes), line: rowStartLine)
            return
        }
        if expectingHeader {
            try readHeader(fieldCount: fieldCount, into: &builder)
            return
        }
        if let expected = expectedFieldCount {
            if fieldCount != expected {
                builder.skip(.wrongFieldCount(expected: expected, found: fieldCount), line: rowStartLine)
                return
            }
        } else {
            // No header: the first row fixes the field count, and index selectors must fit it.
            expectedFieldCount = fieldCount
            if let beyond = selectors.compactMap({ if case let .index(i) = $0 { i } else { nil } }).first(where: {
                $0 >= fieldCount
            }) {
                throw .columnOutOfRange(index: beyond, fieldCount: fieldCount, location: builder.location(rowStartLine))
            }
        }
        let slots = takesAllColumns ? fieldCount : selectors.count
        if builder.takesRecordsUnexamined && capturedBackToBack(slots) {
            // The usual row: its records already lie in order in the row buffer.
            builder.emitRow(
                rowBytes.bytes(0..<capturedEnd[slots - 1]), ends: capturedEnd, count: slots, line: rowStartLine)
            return
        }
        for slot in 0..<slots {
            builder.emit(rowBytes.bytes(capturedStart[slot]..<capturedEnd[slot]), line: rowStartLine, field: slot)
        }
    }

    /// Whether the first `slots` captured fields follow one another from the row buffer's start
    /// (not so when columns were selected out of their order).
    @inline(__always)
    private func capturedBackToBack(_ slots: Int) -> Bool {
        var expected = 0
        for slot in 0..<slots {
            guard capturedStart[slot] == expected else { return false }
            expected = capturedEnd[slot]
        }
        return slots > 0
    }

    private mutating func readHeader(fieldCount: Int, into builder: inout RecordChunkBuilder) throws(CorpusError) {
        let header: [String] = (0..<fieldCount).map {
            String(decoding: rowBytes.bytes(capturedStart[$0]..<capturedEnd[$0]), as: UTF8.self)
        }
        expectingHeader = false
        expectedFieldCount = fieldCount
        builder.record(.header(header, member))
        guard !takesAllColumns else { return }
        slotOfColumn = Array(repeating: -1, count: fieldCount)
        for (slot, selector) in selectors.enumerated() {
            let column: Int
            switch selector {
            case let .name(name):
                guard let found = header.firstIndex(of: name) else {
                    throw .unknownColumn(name: name, path: member.input, member: member.name, header: header)
                }
                column = found
            case let .index(index):
                guard index < fieldCount else {
                    throw .columnOutOfRange(
                        index: index, fieldCount: fieldCount, location: builder.location(rowStartLine))
                }
                column = index
            }
            slotOfColumn[column] = slot
        }
        capturedStart = Array(repeating: 0, count: selectors.count)
        capturedEnd = Array(repeating: 0, count: selectors.count)
    }

    private mutating func resolveIndexSelectors() {
        var largest = 0
        for case let .index(index) in selectors { largest = max(largest, index) }
        slotOfColumn = Array(repeating: -1, count: largest + 1)
        for (slot, selector) in selectors.enumerated() {
            if case let .index(index) = selector { slotOfColumn[index] = slot }
        }
        capturedStart = Array(repeating: 0, count: selectors.count)
        capturedEnd = Array(repeating: 0, count: selectors.count)
    }

    private mutating func ensureSlot(_ slot: Int) {
        while capturedStart.count <= slot {
            capturedStart.append(0)
            capturedEnd.append(0)
        }
    }

    private mutating func resetRow() {
        fieldIndex = 0
        rowByteCount = 0
        rowTooLarge = false
        rowHasContent = false
        currentSlot = -1
        rowBytes.removeAll()
        if takesAllColumns || expectingHeader {
            // Slots of columns a short row never reached must read as empty.
            for slot in capturedStart.indices {
                capturedStart[slot] = 0
                capturedEnd[slot] = 0
            }
        }
    }
}
