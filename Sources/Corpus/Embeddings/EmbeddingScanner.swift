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
final class EmbeddingScanner {
    private enum Mode { case detecting, text, binary }

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
    /// Bytes of the current binary row's vector still to come, and the id it is kept for (-1: skipped).
    private var vectorRemaining = 0
    private var binaryKeep = -1
    private var binaryExact = true
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
            if vectorRemaining > 0 || pendingCount > 0 {
                if vectorRemaining == 0 { lineNumber += 1 }
                vectorRemaining = 0
                pendingCount = 0
                try skip(.truncatedRow)
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
    /// bytes after the first token are text). Returns `false` while more bytes are needed.
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
            declaredRows = header.rows
            declaredDimension = header.dimension
            switch options.format {
            case .auto:
                let bodyStart = lineEnd + 1
                if !atEnd && count - bodyStart < 4096 { return false }
                binary = Self.looksBinary(data + min(bodyStart, count), max(0, count - bodyStart), dimension: header.dimension)
            case .word2vecBinary: binary = true
            case .glove, .word2vecText: binary = false
            }
        } else if options.format == .word2vecBinary {
            throw .missingBinaryHeader(path: path, member: member)
        }
        hasHeaderLine = header != nil
        switch options.format {
        case .auto: format = binary ? .word2vecBinary : (header != nil ? .word2vecText : .glove)
        case .glove, .word2vecText, .word2vecBinary: format = options.format
        }
        // The detection buffer becomes ordinary input; scanning gets a fresh carry buffer.
        pending = .allocate(capacity: pendingCapacity)
        pendingCount = 0
        defer { data.deallocate() }
        if binary, let header {
            guard header.dimension > 0 else { throw .noVectors(path: path, member: member) }
            mode = .binary
            lineNumber = 1
            setDimension(header.dimension)
            if lineEnd + 1 < count { try consumeBinary(data + lineEnd + 1, count - lineEnd - 1) }
        } else {
            mode = .text
            if count > start { try consumeText(data + start, count - start) }
        }
        return true
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

    private func setDimension(_ value: Int) {
        dimension = value
        matrix = [Float](repeating: 0, count: vocabularySize * value)
        scratch = .allocate(capacity: value)
        if let declaredDimension, declaredDimension != value, format != .word2vecBinary {
            headerMismatch = true
        }
    }

    /// The header's dimension differs from the first vector line's (the lines win).
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
            try processLine(base + index, end - index)
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
    @inline(__always) private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

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
        if parseValues(line + tokenEnd, count - tokenEnd) {
            store(id, exact: exact)
        } else {
            try irregularLine(line, count, candidate: true)
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
            total &+= spaces(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
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

    /// The first vector line sets the dimension: the number of trailing fields that are
    /// numbers (so a first token with spaces still counts right). Returns whether it did.
    private func detectDimension(_ line: UnsafePointer<UInt8>, _ count: Int) throws(EmbeddingError) -> Bool {
        var end = count
        var numbers = 0
        while end > 0 {
            var start = end
            while start > 0 && !Self.isSeparator(line[start - 1]) { start -= 1 }
            if start == 0 { break }  // the first field is the token
            guard DecimalFloatParser.parse(line + start, end - start) != nil else { break }
            numbers += 1
            end = start
            while end > 0 && Self.isSeparator(line[end - 1]) { end -= 1 }
        }
        guard numbers > 0, end > 0 else {
            let hasSeparator = (0..<count).contains { Self.isSeparator(line[$0]) }
            try skip(hasSeparator ? .nonNumeric : .tooFewFields)
            return false
        }
        setDimension(numbers)
        return true
    }

    /// Parses exactly `dimension` values from `rest` (which starts at the separator after the
    /// token and has no trailing blanks) into `scratch`.
    @inline(__always)
    private func parseValues(_ rest: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard let scratch else { return false }
        var index = 0
        var parsed = 0
        while parsed < dimension {
            while index < count && Self.isSeparator(rest[index]) { index += 1 }
            if index == count { return false }
            var end = index
            while end < count && !Self.isSeparator(rest[end]) { end += 1 }
            guard let value = DecimalFloatParser.parse(rest + index, end - index) else { return false }
            scratch[parsed] = value
            parsed += 1
            index = end
        }
        return index == count
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
        if parseValues(line + end, count - end) {
            store(id, exact: exact)
        } else {
            try skip(.nonNumeric)
        }
    }

    // MARK: Binary

    private func consumeBinary(_ base: UnsafePointer<UInt8>, _ count: Int) throws(EmbeddingError) {
        let rowBytes = dimension * MemoryLayout<Float>.size
        var index = 0
        while index < count {
            if vectorRemaining > 0 {
                let take = min(vectorRemaining, count - index)
                if binaryKeep >= 0, let scratch {
                    (UnsafeMutableRawPointer(scratch) + (rowBytes - vectorRemaining)).copyMemory(from: base + index, byteCount: take)
                }
                vectorRemaining -= take
                index += take
                if vectorRemaining == 0 && binaryKeep >= 0 {
                    store(binaryKeep, exact: binaryExact)
                    binaryKeep = -1
                }
                continue
            }
            if pendingCount == 0 {
                // The newline the C tool writes after each vector, if any.
                while index < count && (base[index] == 0x0A || base[index] == 0x0D) { index += 1 }
                if index == count { return }
            }
            var end = index
            while end < count && base[end] != 0x20 { end += 1 }
            if end == count {
                appendPending(base + index, count - index)
                if pendingCount > options.maxLineBytes {
                    // Without a space there is no way to find the next row.
                    lineNumber += 1
                    throw .invalidLine(path: path, member: member, line: lineNumber, reason: .overlongLine)
                }
                return
            }
            lineNumber += 1
            let found: (id: Int, exact: Bool)
            if pendingCount > 0 {
                appendPending(base + index, end - index)
                found = lookup(pending, pendingCount)
                pendingCount = 0
            } else {
                found = lookup(base + index, end - index)
            }
            binaryKeep = found.id >= 0 && wantsRow(found.id, exact: found.exact) ? found.id : -1
            binaryExact = found.exact
            vectorRemaining = rowBytes
            index = end + 1
        }
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

    private func skip(_ reason: EmbeddingSkipReason) throws(EmbeddingError) {
        skipped[reason, default: 0] += 1
        if skippedLines[reason, default: []].count < 5 { skippedLines[reason, default: []].append(lineNumber) }
        if options.strict && reason.isMalformed {
            throw .invalidLine(path: path, member: member, line: lineNumber, reason: reason)
        }
    }
}
