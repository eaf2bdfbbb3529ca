/// A run of decompressed bytes from one member, with the read position after it.
package struct ByteChunk: @unchecked Sendable {
    // @unchecked: the storage is written once by the producer and only read after it is sent.
    package let storage: ByteStorage
    package let count: Int
    /// Compressed bytes of the whole input consumed so far (for progress and error offsets).
    let compressedOffset: Int64
    /// Bytes of all inputs read so far, compressed (what progress and ETA count).
    package let totalCompressedOffset: Int64
    /// Whether a NUL byte is among the bytes (looked for once per chunk, on the producer's
    /// thread, so that the parser checks records for NUL only in members that have one).
    var containsNUL = false

    package var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage.pointer, count: count)
    }
}
