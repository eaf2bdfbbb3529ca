/// `text`: the member as one character stream, delivered in pieces that end after a line
/// break (so no character — not even a multi-scalar grapheme — is cut in two), or, for a
/// line longer than `maxPieceBytes`, at a code-point boundary.
struct TextRecordParser: RecordParser {
    private let maxPieceBytes: Int
    private var pending: [UInt8] = []
    private var pendingLine = 1
    private var line = 1
    private var atMemberStart = true

    init(maxPieceBytes: Int) {
        self.maxPieceBytes = maxPieceBytes
    }

    mutating func parse(_ input: UnsafeBufferPointer<UInt8>, into builder: inout RecordChunkBuilder) throws(CorpusError)
    {
        var bytes = input
        if atMemberStart && !bytes.isEmpty {
            bytes = bytes.droppingByteOrderMark()
            atMemberStart = false
        }
        guard !bytes.isEmpty else { return }
        pending.append(contentsOf: bytes)
        var cut: Int?
        if let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) {
            cut = lastNewline + 1
        } else if pending.count >= maxPieceBytes {
            // No line break for a long stretch: cut before the last, possibly partial, scalar.
            var boundary = pending.count
            while boundary > 0 && pending[boundary - 1] & 0xC0 == 0x80 { boundary -= 1 }
            if boundary > 0 && pending[boundary - 1] >= 0xC0 { boundary -= 1 }
            cut = boundary
        }
        if let cut, cut > 0 {
            emit(upTo: cut, into: &builder)
        }
    }

    mutating func finish(into builder: inout RecordChunkBuilder) throws(CorpusError) {
        if !pending.isEmpty { emit(upTo: pending.count, into: &builder) }
    }

    private mutating func emit(upTo cut: Int, into builder: inout RecordChunkBuilder) {
        let startLine = line
        pending.withUnsafeBufferPointer { all in
            let piece = UnsafeBufferPointer(rebasing: all[..<cut])
            var newlines = 0
            var scan = 0
            while let newline = piece.firstIndex(of: UInt8(ascii: "\n"), from: scan) {
                newlines += 1
                scan = newline + 1
            }
            line += newlines
            builder.emit(piece, line: startLine, field: 0)
        }
        pending.removeFirst(cut)
    }
}
