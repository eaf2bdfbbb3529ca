/// Splits a member's bytes into lines (LF or CRLF) across chunk boundaries.
///
/// Complete lines inside a chunk are handed out without copying; only a line that straddles
/// a chunk boundary is gathered in `pending`, and never more than `maxLineBytes` of it: a
/// longer line is reported as too large once its end is found, whatever its length.
struct LineSplitter {
    let maxLineBytes: Int
    /// The 1-based number of the next line to complete.
    private(set) var line = 1
    private var pending: [UInt8] = []
    private var pendingTooLarge = false
    private var atMemberStart = true

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Calls `body(line bytes without the line break, line number, tooLarge)` for each line
    /// completed by `bytes`.
    mutating func split(
        _ input: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) throws(CorpusError) -> Void
    ) throws(CorpusError) {
        var bytes = input
        if atMemberStart && !bytes.isEmpty {
            bytes = bytes.droppingByteOrderMark()
            atMemberStart = false
        }
        var start = 0
        while let newline = bytes.firstIndex(of: UInt8(ascii: "\n"), from: start) {
            let piece = UnsafeBufferPointer(rebasing: bytes[start..<newline])
            if pending.isEmpty && !pendingTooLarge {
                try body(Self.trimmingCarriageReturn(piece), line, piece.count > maxLineBytes)
            } else {
                append(piece)
                let tooLarge = pendingTooLarge
                try pending.withUnsafeBufferPointer { (whole) throws(CorpusError) in
                    try body(Self.trimmingCarriageReturn(whole), line, tooLarge)
                }
                pending.removeAll(keepingCapacity: pending.capacity <= 1 << 16)
                pendingTooLarge = false
            }
            line += 1
            start = newline + 1
        }
        if start < bytes.count {
            append(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// The member ended: hands out a last line that had no line break.
    mutating func finish(_ body: (UnsafeBufferPointer<UInt8>, Int, Bool) throws(CorpusError) -> Void)
        throws(CorpusError)
    {
        defer {
            pending.removeAll()
            pendingTooLarge = false
        }
        guard !pending.isEmpty || pendingTooLarge else { return }
        let tooLarge = pendingTooLarge
        try pending.withUnsafeBufferPointer { (whole) throws(CorpusError) in
            try body(Self.trimmingCarriageReturn(whole), line, tooLarge)
        }
    }

    private mutating func append(_ piece: UnsafeBufferPointer<UInt8>) {
        guard !pendingTooLarge else { return }
        if pending.count + piece.count > maxLineBytes {
            pendingTooLarge = true
            pending.removeAll()
            return
        }
        pending.append(contentsOf: piece)
    }

    private static func trimmingCarriageReturn(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = line.last, last == UInt8(ascii: "\r") {
            return UnsafeBufferPointer(rebasing: line.dropLast())
        }
        return line
    }
}
