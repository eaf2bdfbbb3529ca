/// Bytes already read from a stream (to recognise its format or content), handed out again
/// before the stream's own next bytes.
struct PrefixReplay {
    private var prefix: [UInt8]
    private var replayed = 0

    init(_ prefix: [UInt8]) { self.prefix = prefix }

    /// Copies the next replayed bytes into `buffer` and returns how many, or nil once all were
    /// handed out (then the stream itself is next).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard replayed < prefix.count else { return nil }
        let count = Swift.min(buffer.count, prefix.count - replayed)
        prefix.withUnsafeBytes {
            buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count)
        }
        replayed += count
        if replayed == prefix.count {
            prefix = []
            replayed = 0
        }
        return count
    }
}
