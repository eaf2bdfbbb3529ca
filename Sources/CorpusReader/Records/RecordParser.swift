/// Turns one member's decompressed bytes into records, one byte chunk at a time.
///
/// A parser is resumable: a record may begin in one chunk and end in a later one. It holds at
/// most `maxRecordBytes` of a pending record, so memory stays bounded even on input with no
/// line break at all.
protocol RecordParser {
    /// Parses the next run of bytes of the member.
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, into builder: inout RecordChunkBuilder) throws(CorpusError)
    /// The member ended: emits or files whatever record is still pending.
    mutating func finish(into builder: inout RecordChunkBuilder) throws(CorpusError)
}

/// The UTF-8 byte-order mark, which some tools put at the start of CSV and text files.
let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

extension UnsafeBufferPointer<UInt8> {
    /// The bytes after a leading UTF-8 byte-order mark, if there is one.
    func droppingByteOrderMark() -> UnsafeBufferPointer<UInt8> {
        if count >= 3 && self[0] == 0xEF && self[1] == 0xBB && self[2] == 0xBF {
            return UnsafeBufferPointer(rebasing: self[3...])
        }
        return self
    }

    /// The index of the first `byte` at or after `start`, using libc's vectorised memchr.
    @inline(__always)
    func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let base = baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
