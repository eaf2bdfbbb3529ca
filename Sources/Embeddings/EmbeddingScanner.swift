import Foundation

/// The consuming side of ``EmbeddingLoader``: turns decompressed bytes of one vectors file
/// into matrix rows for the vocabulary's tokens, chunk by chunk, without holding the file.
///
/// Per text line it finds the line end with `memchr`, the token end with a short byte loop,
/// and looks the token up in a ``UTF8TokenTable`` straight from the bytes. Only lines of
/// vocabulary tokens have their numbers parsed; the rest get a structural check eight bytes at
/// a time (their spaces are counted: a well-formed line has exactly `dimension`), and only
/// lines that fail it are split into fields. A line that straddles two chunks is copied into
/// one reused buffer, so steady-state scanning allocates nothing.
///
/// Lines whose token contains spaces (glove.840B has some) are read by taking the last
/// `dimension` fields as the numbers and everything before them as the token. Non-breaking
/// spaces are not separators here (the file is split on ASCII space and tab only), so tokens
/// containing U+00A0 need no special case.
///
/// The dimension of a text file is the most common one among its first vector lines (so one
/// bad first line cannot decide it), the header's when it is among the most common. A word2vec
/// binary file has no line breaks to resynchronise on: every record is checked (a token of
/// text, exactly `dimension` float32, the line break when the file uses them, finite and
/// plausible values) and a record that breaks the layout stops the load with its number.
final class EmbeddingScanner {
    private enum Mode { case detecting, text, binary }
    private enum BinaryPhase { case token, vector, terminator }
    /// What parsing a line's values found.
    private enum Values { case ok, malformed, rejected(EmbeddingSkipReason) }

    private let table: UTF8TokenTable
    private let vocabularySize: Int
    private let options: EmbeddingOptions
    let path: String
    var member: String?

    private var mode = Mode.detecting
    /// The format the file is read as, once known.
    private(set) var format: EmbeddingFormat = .glove
    private(set) var dimension = 0
    private(set) var declaredRows: Int?
    private(set) var declaredDimension: Int?
    /// Whether line 1 is a `count dim` header.
    private var hasHeaderLine = false
    /// Lines (text) or header plus rows (binary) seen so far.
    private(set) var lineNumber = 0
    private(set) var dimensionSource: DimensionSource = .header
    /// Lines with a token and something after it (text), or complete records (binary).
    private(set) var vectorLines = 0
    /// Newlines counted so far in the detection buffer (the dimension sample), and up to where.
    private var sampleNewlines = 0
    private var sampleScanned = 0

    /// `vocabularySize × dimension` values, allocated once the dimension is known.
    private var matrix: [Float] = []
    /// Per id: 0 no vector yet, 1 an exact match, 2 a lowercased match (replaced by an exact one).
    private let sources: UnsafeMutablePointer<UInt8>
    /// One parsed row, copied into the matrix only when the whole line is valid.
    private var scratch: UnsafeMutablePointer<Float>?

    /// The start of a line (or binary token) that continues in the next chunk.
    private var pending: UnsafeMutablePointer<UInt8>
    private var pendingCount = 0
    private var pendingCapacity: Int
    /// The pending line passed `maxLineBytes`; it is being skipped to its end.
    private var overflowing = false
    /// Where the current binary record is, how many of its vector bytes are in `scratch`, and
    /// the id it is kept for (-1: not kept).
    private var binaryPhase = BinaryPhase.token
    private var vectorFilled = 0
    private var binaryKeep = -1
    private var binaryExact = true
    /// Whether the records end with a line break (decided by the first record).
    private var binaryNewlines: Bool?
    /// Consecutive records with bad values: in a file without line breaks, how misalignment shows.
    private var badValueRun = 0
    /// The first bytes of the current binary token, for messages.
    private var tokenPrefix: [UInt8] = []
    /// Buffer for the ASCII-lowercased token of the case-insensitive fallback.
    private var lowered: [UInt8] = []

    private(set) var skipped: [EmbeddingSkipReason: Int] = [:]
    private(set) var skippedLines: [EmbeddingSkipReason: [Int]] = [:]
    private(set) var duplicates = 0

    init(table: UTF8TokenTable, options: EmbeddingOptions, path: String) {
        self.table = table
        vocabularySize = table.count
        self.options = options
        self.path = path
        sources = .allocate(capacity: max(1, table.count))
        sources.initialize(repeating: 0, count: max(1, table.count))
        pendingCapacity = 1 << 16
        pending = .allocate(capacity: pendingCapacity)
    }

    deinit {
        scratch?.deallocate()
        sources.deallocate()
        pending.deallocate()
    }

    // MARK: Feeding

    /// Scans the next decompressed bytes of the file.
    func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(EmbeddingError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        switch mode {
        case .detecting:
            appendPending(base, bytes.count)
            _ = try decideFormat(atEnd: false)
        case .text:
            try consumeText(base, bytes.count)
        case .binary:
            try consumeBinary(base, bytes.count)
        }
    }

    /// The file ended: scans a last line without a line break, notes a truncated binary row.
    func finish() throws(EmbeddingError) {
        if mode == .detecting { _ = try decideFormat(atEnd: true) }
        switch mode {
        case .detecting:
            break
        case .text:
            if pendingCount > 0 || overflowing { try flushPendingLine() }
        case .binary:
            let rowBytes = dimension * MemoryLayout<Float>.size
            if binaryPhase == .vector {
                throw .truncatedRecord(
                    path: path, member: member, record: lineNumber - 1, token: tokenText,
                    vectorBytes: vectorFilled, expectedBytes: rowBytes)
            }
            if binaryPhase == .token && pendingCount > 0 {
                tokenPrefix = Array(UnsafeBufferPointer(start: pending, count: min(pendingCount, 80)))
                throw .truncatedRecord(
                    path: path, member: member, record: lineNumber, token: tokenText,
                    vectorBytes: 0, expectedBytes: rowBytes)
            }
        }
    }

    // MARK: Results

    /// Whether the vocabulary entry `id` received a vector, and whether from an exact match.
    func source(of id: Int) -> UInt8 { sources[id] }

    /// Hands the rows over (without a copy: the matrix may be large); `nil` when no dimension
    /// was found. Call once, after ``finish()``.
    func takeMatrix() -> [Float]? {
        guard dimension > 0 else { return nil }
        defer { matrix = [] }
        return matrix
    }

    // MARK: Format detection

    /// Decides the format from the first line (and, after a `count dim` header, whether the
    /// bytes after the first token are text), and for text the dimension from the first vector
    /// lines. Returns `false` while more bytes are needed.
    private func decideFormat(atEnd: Bool) throws(EmbeddingError) -> Bool {
        let data = pending
        let count = pendingCount
        var start = 0
        if count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF { start = 3 }  // UTF-8 BOM
        let newline = memchr(data + start, 0x0A, count - start)
        if newline == nil && !atEnd && count < options.maxLineBytes { return false }
        let lineEnd = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(data) } ?? count
        var lineLength = lineEnd - start
        while lineLength > 0 && Self.isBlank(data[start + lineLength - 1]) { lineLength -= 1 }
        let header = Self.parseHeader(data + start, lineLength)
        var binary = false
        if let header {
            switch options.format {
            case .auto:
                let bodyStart = lineEnd + 1
                if !atEnd && count - bodyStart < 4096 { return false }
                binary = Self.looksBinary(
                    data + min(bodyStart, count), max(0, count - bodyStart), dimension: header.dimension)
            case .word2vecBinary: binary = true
            case .glove, .word2vecText: binary = false
            }
        } else if options.format == .word2vecBinary {
            throw .missingBinaryHeader(path: path, member: member)
        }
        // Text: gather the first vector lines, which decide the dimension.
        let bodyStart = header != nil ? min(count, lineEnd + 1) : start
        if !binary && options.dimension == nil && !atEnd && !sampleIsComplete(data, from: bodyStart, count) {
            return false
        }
        declaredRows = header?.rows
        declaredDimension = header?.dimension
        hasHeaderLine = header != nil
        switch options.format {
        case .auto: format = binary ? .word2vecBinary : (header != nil ? .word2vecText : .glove)
        case .glove, .word2vecText, .word2vecBinary: format = options.format
        }
        // The detection buffer becomes ordinary input; scanning gets a fresh carry buffer.
        pending = .allocate(capacity: 1 << 16)
        pendingCapacity = 1 << 16
        pendingCount = 0
        defer { data.deallocate() }
        if binary, let header {
            guard header.dimension > 0 else { throw .noVectors(path: path, member: member) }
            if let wanted = options.dimension, wanted != header.dimension {
                throw .headerDimensionDiffers(path: path, member: member, header: header.dimension, option: wanted)
            }
            mode = .binary
            lineNumber = 1
            try setDimension(header.dimension, source: .header)
            if lineEnd + 1 < count { try consumeBinary(data + lineEnd + 1, count - lineEnd - 1) }
        } else {
            mode = .text
            if let wanted = options.dimension {
                try setDimension(wanted, source: .option)
            } else {
                try chooseDimension(data, from: bodyStart, count, atEnd: atEnd, header: header?.dimension)
            }
            if count > start { try consumeText(data + start, count - start) }
        }
        return true
    }

    /// How much text to gather before deciding the dimension: enough for the sample's lines,
    /// bounded so that a file of endless lines cannot fill memory.
    private var sampleByteLimit: Int { max(32 << 20, 2 * options.maxLineBytes) }

    /// Whether the buffer holds ``EmbeddingOptions/dimensionSampleLines`` lines after `from`, or
    /// as many bytes as the sample may take. Counts newlines incrementally across calls.
    private func sampleIsComplete(_ data: UnsafePointer<UInt8>, from: Int, _ count: Int) -> Bool {
        if count >= sampleByteLimit { return true }
        if sampleScanned < from { sampleScanned = from }
        while sampleScanned < count, let newline = memchr(data + sampleScanned, 0x0A, count - sampleScanned) {
            sampleNewlines += 1
            sampleScanned = UnsafeRawPointer(newline) - UnsafeRawPointer(data) + 1
            if sampleNewlines >= EmbeddingOptions.dimensionSampleLines { return true }
        }
        sampleScanned = count
        return false
    }

    /// The most common number of values among the first vector lines; the header's dimension
    /// wins a tie it is part of, and any other tie is an error asking for `--dimension`. With no
    /// vector line in the sample the dimension stays unknown, and the first vector line after
    /// it decides (``detectDimension(_:_:)``).
    private func chooseDimension(_ data: UnsafePointer<UInt8>, from: Int, _ count: Int, atEnd: Bool, header: Int?)
        throws(EmbeddingError)
    {
        var counts: [Int: Int] = [:]
        var sampled = 0
        var index = from
        while index < count && sampled < EmbeddingOptions.dimensionSampleLines {
            let newline = memchr(data + index, 0x0A, count - index)
            guard newline != nil || atEnd else { break }
            let end = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(data) } ?? count
            var length = end - index
            while length > 0 && Self.isBlank(data[index + length - 1]) { length -= 1 }
            if length > 0 && length <= options.maxLineBytes {
                let (numbers, tokenEnd) = Self.trailingNumbers(data + index, length)
                if numbers > 0 && tokenEnd > 0 {
                    counts[numbers, default: 0] += 1
                    sampled += 1
                }
            }
            index = end + 1
        }
        guard let most = counts.values.max() else { return }
        let winners = counts.filter { $0.value == most }.keys.sorted()
        if let header, counts[header] == most {
            try setDimension(header, source: .header)
        } else if winners.count == 1 {
            try setDimension(winners[0], source: .commonest(agreeing: most, sampled: sampled))
        } else {
            throw .ambiguousDimension(path: path, member: member, dimensions: winners, agreeing: most, sampled: sampled)
        }
    }

    /// `count dim`: exactly two unsigned integers.
    static func parseHeader(_ line: UnsafePointer<UInt8>, _ length: Int) -> (rows: Int, dimension: Int)? {
        var numbers: [Int] = []
        var index = 0
        while index < length {
            while index < length && isSeparator(line[index]) { index += 1 }
            if index == length { break }
            var value = 0
            var digits = 0
            while index < length && !isSeparator(line[index]) {
                let digit = line[index] &- 48
                guard digit < 10, digits < 18 else { return nil }
                value = value * 10 + Int(digit)
                digits += 1
                index += 1
            }
            numbers.append(value)
            if numbers.count > 2 { return nil }
        }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }

    /// After a header: text rows continue with digits, signs, points and spaces; binary rows
    /// with raw float32 bytes, which almost never stay within those characters for 16 bytes.
    static func looksBinary(_ body: UnsafePointer<UInt8>, _ length: Int, dimension: Int) -> Bool {
        var index = 0
        while index < length && (body[index] == 0x0A || body[index] == 0x0D) { index += 1 }
        let limit = min(length, index + 1024)
        while index < limit && body[index] != 0x20 { index += 1 }
        guard index < limit else { return false }
        index += 1
        let end = min(length, index + min(16, dimension * 4))
        let textual = Set("0123456789+-.eE \tnaifNAIFty".utf8)
        var sawDigit = false
        // Up to the end of a text row: what follows may be the next row's token.
        while index < end && body[index] != 0x0A && body[index] != 0x0D {
            if !textual.contains(body[index]) { return true }
            if body[index] &- 48 < 10 { sawDigit = true }
            index += 1
        }
        // A text row has a digit before its line break; a float32 may start with byte 0x0A.
        return index < end && !sawDigit
    }

    /// Allocates the matrix once the dimension is known, within `--max-dimension` and the
    /// memory available (the header's row count is never trusted for an allocation).
    private func setDimension(_ value: Int, source: DimensionSource) throws(EmbeddingError) {
        guard value <= options.maxDimension else {
            throw .dimensionTooLarge(
                path: path, member: member, dimension: value, source: source.description, limit: options.maxDimension)
        }
        let (elements, overflow) = vocabularySize.multipliedReportingOverflow(by: value)
        let (bytes, overflowBytes) = elements.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        if let available = options.maxMatrixBytes ?? AvailableMemory.bytes(),
            overflow || overflowBytes || bytes > available
        {
            throw .matrixTooLarge(
                path: path, member: member, rows: vocabularySize, dimension: value,
                bytes: overflow || overflowBytes ? .max : bytes, available: available)
        }
        dimension = value
        dimensionSource = source
        matrix = [Float](repeating: 0, count: elements)
        scratch = .allocate(capacity: value)
        if let declaredDimension, declaredDimension != value, format != .word2vecBinary {
            headerMismatch = true
        }
    }

    /// The header's dimension differs from the one the lines were read with.
    private(set) var headerMismatch = false

    // MARK: Text

    private func consumeText(_ base: UnsafePointer<UInt8>, _ count: Int) throws(EmbeddingError) {
        var index = 0
        if pendingCount > 0 || overflowing {
            let newline = memchr(base, 0x0A, count)
            let end = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            appendLinePiece(base, end)
            guard newline != nil else { return }
            try flushPendingLine()
            index = end + 1
        }
        while index < count {
            guard let newline = memchr(base + index, 0x0A, count - index) else {
                appendLinePiece(base + index, count - index)
                return
            }
            let end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            if end - index > options.maxLineBytes {
                // The same limit whether or not the line straddles two chunks.
                lineNumber += 1
                try skip(.overlongLine)
            } else {
                try processLine(base + index, end - index)
            }
            index = end + 1
        }
    }

    private func appendLinePiece(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard !overflowing else { return }
        if pendingCount + count > options.maxLineBytes {
            overflowing = true
            pendingCount = 0
            return
        }
        appendPending(bytes, count)
    }

    private func flushPendingLine() throws(EmbeddingError) {
        if overflowing {
            overflowing = false
            lineNumber += 1
            try skip(.overlongLine)
        } else {
            try processLine(pending, pendingCount)
        }
        pendingCount = 0
    }

    private func appendPending(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        if pendingCount + count > pendingCapacity {
            var capacity = pendingCapacity
            while capacity < pendingCount + count { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: pending, count: pendingCount)
            pending.deallocate()
            pending = grown
            pendingCapacity = capacity
        }
        (pending + pendingCount).update(from: bytes, count: count)
        pendingCount += count
    }

    @inline(__always) private static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    @inline(__always) private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// One line without its `\n`.
    private func processLine(_ line: UnsafePointer<UInt8>, _ length: Int) throws(EmbeddingError) {
        lineNumber += 1
        var count = length
        while count > 0 && Self.isBlank(line[count - 1]) { count -= 1 }  // CR, trailing spaces
        if lineNumber == 1 && hasHeaderLine {
            if format == .glove { try skip(.header) }
            return
        }
        if count == 0 {
            try skip(.emptyLine)
            return
        }
        if dimension == 0 {
            guard try detectDimension(line, count) else { return }
        }
        var tokenEnd = 0
        while tokenEnd < count && !Self.isSeparator(line[tokenEnd]) { tokenEnd += 1 }
        if tokenEnd == count {
            try skip(.tooFewFields)
            return
        }
        vectorLines += 1
        let (id, exact) = lookup(line, tokenEnd)
        if id < 0 || !wantsRow(id, exact: exact) {
            // Not kept (not in the vocabulary, <pad>, a duplicate): a well-formed line has one
            // space per value. Counting them costs far less than parsing; only lines that fail
            // the count are looked at field by field.
            if Self.countSpaces(line + tokenEnd, count - tokenEnd) != dimension {
                try irregularLine(line, count, candidate: false)
            }
            return
        }
        switch parseValues(line + tokenEnd, count - tokenEnd) {
        case .ok: store(id, exact: exact)
        case .malformed: try irregularLine(line, count, candidate: true)
        case let .rejected(reason): try skip(reason)
        }
    }

    /// The number of 0x20 bytes, eight at a time (SWAR): after `x = word ^ 0x2020…`, a byte
    /// of `x` is zero exactly where the word has a space, and `~(((x & 0x7F…) + 0x7F…) | x | 0x7F…)`
    /// sets the high bit of exactly the zero bytes (no carries cross bytes). This check is what
    /// every line that is not kept costs.
    @inline(__always)
    static func countSpaces(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let raw = UnsafeRawPointer(start)
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let space: UInt64 = 0x2020_2020_2020_2020
        @inline(__always) func spaces(_ word: UInt64) -> Int {
            let x = word ^ space
            return (~(((x & low) &+ low) | x | low)).nonzeroBitCount
        }
        var total = 0
        var index = 0
        while index + 32 <= count {
            total &+=
                spaces(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                &+ spaces(raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
                &+ spaces(raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self))
                &+ spaces(raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self))
            index += 32
        }
        while index + 8 <= count {
            total &+= spaces(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        while index < count {
            if start[index] == 0x20 { total &+= 1 }
            index += 1
        }
        return total
    }

    /// The number of trailing fields of `line` that are numbers, and where the fields before
    /// them (the token, which may contain spaces) end.
    static func trailingNumbers(_ line: UnsafePointer<UInt8>, _ count: Int) -> (numbers: Int, tokenEnd: Int) {
        var end = count
        var numbers = 0
        while end > 0 {
            var start = end
            while start > 0 && !isSeparator(line[start - 1]) { start -= 1 }
            if start == 0 { break }  // the first field is the token
            guard DecimalFloatParser.parse(line + start, end - start) != nil else { break }
            numbers += 1
            end = start
            while end > 0 && isSeparator(line[end - 1]) { end -= 1 }
        }
        return (numbers, end)
    }

    /// When the first lines had no vector line to decide from: the first vector line sets the
    /// dimension (a first token with spaces still counts right). Returns whether it did.
    private func detectDimension(_ line: UnsafePointer<UInt8>, _ count: Int) throws(EmbeddingError) -> Bool {
        let (numbers, end) = Self.trailingNumbers(line, count)
        guard numbers > 0, end > 0 else {
            let hasSeparator = (0..<count).contains { Self.isSeparator(line[$0]) }
            try skip(hasSeparator ? .nonNumeric : .tooFewFields)
            return false
        }
        try setDimension(numbers, source: .commonest(agreeing: 1, sampled: 1))
        return true
    }

    /// Parses exactly `dimension` values from `rest` (which starts at the separator after the
    /// token and has no trailing blanks) into `scratch`. A line of numbers with one that is
    /// not finite or too large is rejected: kept, it would poison the matrix.
    @inline(__always)
    private func parseValues(_ rest: UnsafePointer<UInt8>, _ count: Int) -> Values {
        guard let scratch else { return .malformed }
        let limit = options.maxAbsoluteValue
        var problem: EmbeddingSkipReason?
        var index = 0
        var parsed = 0
        while parsed < dimension {
            while index < count && Self.isSeparator(rest[index]) { index += 1 }
            if index == count { return .malformed }
            var end = index
            while end < count && !Self.isSeparator(rest[end]) { end += 1 }
            guard let value = DecimalFloatParser.parse(rest + index, end - index) else { return .malformed }
            if !(abs(value) <= limit) && problem == nil {
                problem =
                    !value.isFinite
                    ? Self.spelledNonFinite(rest + index, end - index) ? .nonFinite : .outOfRange : .implausibleValue
            }
            scratch[parsed] = value
            parsed += 1
            index = end
        }
        guard index == count else { return .malformed }
        return problem.map { .rejected($0) } ?? .ok
    }

    /// `nan`, `inf`, `infinity` (any case, signed): written as not finite, rather than a number
    /// too large for a float32.
    private static func spelledNonFinite(_ field: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        if index < count && (field[index] == UInt8(ascii: "-") || field[index] == UInt8(ascii: "+")) { index += 1 }
        guard index < count else { return false }
        let letter = field[index] | 0x20
        return letter == UInt8(ascii: "n") || letter == UInt8(ascii: "i")
    }

    /// A line that is not the common `token v1 … vD`: count its fields and decide. `candidate`:
    /// its first field is a vocabulary token whose values did not parse.
    private func irregularLine(_ line: UnsafePointer<UInt8>, _ count: Int, candidate: Bool) throws(EmbeddingError) {
        var fields = 0
        var inField = false
        var secondStart = -1
        var secondEnd = count
        for index in 0..<count {
            let separator = Self.isSeparator(line[index])
            if !separator && !inField {
                fields += 1
                if fields == 2 { secondStart = index }
            } else if separator && inField && fields == 2 && secondEnd == count {
                secondEnd = index
            }
            inField = !separator
        }
        if fields < 2 { return try skip(.tooFewFields) }
        if fields < dimension + 1 { return try skip(.wrongDimension) }
        if fields == dimension + 1 {
            // Double spaces or tabs are fine; a vocabulary token's values that did not parse are not.
            if candidate { try skip(.nonNumeric) }
            return
        }
        // More fields than a token and its values: too many numbers, or a token with spaces.
        if DecimalFloatParser.parse(line + secondStart, secondEnd - secondStart) != nil {
            return try skip(.wrongDimension)
        }
        // The token is everything before the last `dimension` fields. Only a vocabulary with
        // such tokens can keep the line.
        guard table.hasSeparatorTokens else { return }
        var end = count
        for _ in 0..<dimension {
            while end > 0 && !Self.isSeparator(line[end - 1]) { end -= 1 }
            while end > 0 && Self.isSeparator(line[end - 1]) { end -= 1 }
        }
        let (id, exact) = lookup(line, end)
        guard id >= 0, wantsRow(id, exact: exact) else { return }
        switch parseValues(line + end, count - end) {
        case .ok: store(id, exact: exact)
        case .malformed: try skip(.nonNumeric)
        case let .rejected(reason): try skip(reason)
        }
    }

    // MARK: Binary

    /// Records are `token`, a space, `dimension` float32 and, when the file uses them, a line
    /// break. Nothing in the bytes marks where a record starts, so a record that breaks this
    /// layout (a token with a space, a wrong header dimension, damage) would turn every later
    /// record into garbage: such a record stops the load instead.
    private func consumeBinary(_ base: UnsafePointer<UInt8>, _ count: Int) throws(EmbeddingError) {
        let rowBytes = dimension * MemoryLayout<Float>.size
        var index = 0
        while index < count {
            switch binaryPhase {
            case .vector:
                let take = min(rowBytes - vectorFilled, count - index)
                if let scratch {
                    (UnsafeMutableRawPointer(scratch) + vectorFilled).copyMemory(from: base + index, byteCount: take)
                }
                vectorFilled += take
                index += take
                if vectorFilled == rowBytes {
                    try finishBinaryVector()
                    binaryPhase = .terminator
                }
            case .terminator:
                let byte = base[index]
                if binaryNewlines == nil { binaryNewlines = byte == 0x0A }
                if binaryNewlines == true {
                    guard byte == 0x0A else {
                        throw misaligned(
                            "its \(dimension) values (\(rowBytes) bytes after the token '\(tokenText)') are followed "
                                + "by byte 0x\(String(byte, radix: 16, uppercase: true)), not by the line break the "
                                    + "records before it end with."
                        )
                    }
                    index += 1
                }
                binaryPhase = .token
            case .token:
                if pendingCount == 0 {
                    // Line breaks between records (the C tool writes one after each vector).
                    while index < count && (base[index] == 0x0A || base[index] == 0x0D) { index += 1 }
                    if index == count { return }
                }
                var end = index
                while end < count && base[end] != 0x20 { end += 1 }
                if end == count {
                    appendPending(base + index, count - index)
                    if pendingCount > options.maxLineBytes {
                        lineNumber += 1
                        tokenPrefix = Array(UnsafeBufferPointer(start: pending, count: 80))
                        pendingCount = 0
                        throw misaligned(
                            "its token '\(tokenText)…' runs for more than \(options.maxLineBytes) bytes without the "
                                + "space that ends a token."
                        )
                    }
                    return
                }
                lineNumber += 1
                let token: UnsafePointer<UInt8>
                let length: Int
                if pendingCount > 0 {
                    appendPending(base + index, end - index)
                    token = UnsafePointer(pending)
                    length = pendingCount
                    pendingCount = 0
                } else {
                    token = base + index
                    length = end - index
                }
                tokenPrefix.removeAll(keepingCapacity: true)
                tokenPrefix.append(contentsOf: UnsafeBufferPointer(start: token, count: min(length, 80)))
                try checkToken(token, length)
                let found = lookup(token, length)
                binaryKeep = found.id >= 0 && wantsRow(found.id, exact: found.exact) ? found.id : -1
                binaryExact = found.exact
                vectorFilled = 0
                binaryPhase = .vector
                index = end + 1
            }
        }
    }

    /// A token is text: not empty, no control bytes. Garbage from a misread vector has them.
    private func checkToken(_ token: UnsafePointer<UInt8>, _ length: Int) throws(EmbeddingError) {
        guard length > 0 else {
            throw misaligned("it starts with a space, so its token is empty.")
        }
        for index in 0..<length {
            let byte = token[index]
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw misaligned(
                    "its token '\(tokenText)' contains the control byte "
                        + "0x\(String(byte, radix: 16, uppercase: true)), which no word has: the record before it was "
                            + "not exactly \(dimension) values long, or the file is damaged here."
                )
            }
        }
    }

    /// A whole vector is in `scratch`: keep it when its values are sane, else skip and count it.
    /// Without line breaks to check, bad values are how a misaligned file shows, so a run of
    /// bad records stops the load.
    private func finishBinaryVector() throws(EmbeddingError) {
        vectorLines += 1
        guard let scratch else { return }
        let limit = options.maxAbsoluteValue
        var problem: EmbeddingSkipReason?
        for index in 0..<dimension where !(abs(scratch[index]) <= limit) {
            problem = scratch[index].isFinite ? .implausibleValue : .nonFinite
            if problem == .nonFinite { break }
        }
        guard let problem else {
            badValueRun = 0
            if binaryKeep >= 0 { store(binaryKeep, exact: binaryExact) }
            binaryKeep = -1
            return
        }
        binaryKeep = -1
        badValueRun += 1
        if binaryNewlines != true && badValueRun >= 3 {
            throw misaligned(
                "it and the \(badValueRun - 1) records before it all have non-finite or implausibly large values "
                    + "(above --max-value, embeddings.max_value in a pipeline file: \(options.maxAbsoluteValue)), "
                    + "which is what reading records at the wrong offset gives."
            )
        }
        try skip(problem)
    }

    private func misaligned(_ problem: String) -> EmbeddingError {
        .misalignedRecord(path: path, member: member, record: lineNumber - 1, problem: problem)
    }

    /// The current binary token for messages, control bytes escaped.
    private var tokenText: String {
        String(decoding: tokenPrefix, as: UTF8.self).unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F
                ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }.joined()
    }

    // MARK: Rows

    @inline(__always)
    private func lookup(_ token: UnsafePointer<UInt8>, _ length: Int) -> (id: Int, exact: Bool) {
        let id = table.find(token, length)
        if id >= 0 || !options.caseInsensitive { return (id, true) }
        return (lowercasedLookup(token, length), false)
    }

    /// The id of the token's lowercase form, when that differs from the token.
    private func lowercasedLookup(_ token: UnsafePointer<UInt8>, _ length: Int) -> Int {
        var ascii = true
        var upper = false
        for index in 0..<length {
            let byte = token[index]
            if byte >= 0x80 { ascii = false; break }
            if byte >= 0x41 && byte <= 0x5A { upper = true }
        }
        if ascii {
            guard upper else { return -1 }
            if lowered.count < length { lowered = Array(repeating: 0, count: length) }
            return lowered.withUnsafeMutableBufferPointer { buffer in
                for index in 0..<length {
                    let byte = token[index]
                    buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                }
                return table.find(buffer.baseAddress!, length)
            }
        }
        // Rare: non-ASCII tokens with --case-insensitive, which need Unicode lowercasing.
        let original = String(decoding: UnsafeBufferPointer(start: token, count: length), as: UTF8.self)
        var lowercase = original.lowercased()
        guard lowercase != original else { return -1 }
        return lowercase.withUTF8 { table.find($0.baseAddress!, $0.count) }
    }

    /// Whether a line of `id` should be read: `<pad>` stays zero, the first exact match wins,
    /// a lowercased match fills only an entry that has nothing yet.
    @inline(__always)
    private func wantsRow(_ id: Int, exact: Bool) -> Bool {
        if id == 0 { return false }
        let source = sources[id]
        if exact {
            if source == 1 {
                duplicates += 1
                return false
            }
            return true
        }
        return source == 0
    }

    @inline(__always)
    private func store(_ id: Int, exact: Bool) {
        guard let scratch else { return }
        let dimension = dimension
        matrix.withUnsafeMutableBufferPointer { values in
            (values.baseAddress! + id * dimension).update(from: scratch, count: dimension)
        }
        sources[id] = exact ? 1 : 2
    }

    /// Counts a skipped line (binary: record, numbered from 1 after the header).
    private func skip(_ reason: EmbeddingSkipReason) throws(EmbeddingError) {
        let place = mode == .binary ? lineNumber - 1 : lineNumber
        skipped[reason, default: 0] += 1
        if skippedLines[reason, default: []].count < 5 { skippedLines[reason, default: []].append(place) }
        if options.strict && reason.isMalformed {
            throw mode == .binary
                ? .invalidRecord(path: path, member: member, record: place, reason: reason)
                : .invalidLine(path: path, member: member, line: place, reason: reason)
        }
    }
}
