import Foundation

/// What the decompressing thread hands to the parser: the start of a member, a run of its
/// decompressed bytes, its end, or the failure that stopped the read.
package enum ByteStreamEvent: Sendable {
    case memberStarted(MemberInfo)
    case bytes(ByteChunk)
    /// The member ended.
    case memberEnded
    /// The input's gzip stream was read to its end and every member's CRC-32 and length matched
    /// (sent after the input's last member, which it names).
    case checksumsVerified(MemberInfo, gzipMembers: Int)
    /// Something about the input the user should know that is not a failure (an empty input,
    /// a header libarchive warned about), as a full sentence.
    case warning(String)
    case failed(CorpusError)
}

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

/// A manually allocated byte buffer, freed when the last chunk using it goes away.
/// Buffers circulate through a ``ByteStoragePool`` so that steady-state reading allocates
/// (and page-faults) nothing.
package final class ByteStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}

/// One member of an input as the reader met it.
public struct MemberInfo: Sendable, Hashable {
    /// The input as the user named it.
    public var input: String
    /// The member's path in an archive; `nil` for a plain or compressed single file.
    public var name: String?
    /// Compression detected from the bytes, outermost first (`["gzip"]`, `[]` for plain).
    public var compression: [String]
    /// The container format libarchive detected: "raw" for a single stream, "ZIP 2.0 …", "GNU tar format", …
    public var container: String
    /// The record format used for this member (after `auto` detection).
    public var format: RecordFormat
    /// The text encoding its byte-order mark announced ("UTF-16LE", …), transcoded to UTF-8;
    /// `nil` for UTF-8.
    public var encoding: String?

    public init(
        input: String, name: String?, compression: [String], container: String, format: RecordFormat,
        encoding: String? = nil
    ) {
        self.input = input
        self.name = name
        self.compression = compression
        self.container = container
        self.format = format
        self.encoding = encoding
    }
}

/// Byte buffers handed back by the parser once a chunk is parsed, for the producer to refill.
package final class ByteStoragePool: @unchecked Sendable {
    // @unchecked: `free` is guarded by `lock`.
    private let lock = NSLock()
    private var free: [ByteStorage] = []
    private let capacity: Int
    private let limit: Int

    package init(bufferCapacity: Int, keep limit: Int) {
        capacity = bufferCapacity
        self.limit = limit
    }

    func take() -> ByteStorage {
        lock.lock()
        let storage = free.popLast()
        lock.unlock()
        return storage ?? ByteStorage(capacity: capacity)
    }

    package func recycle(_ storage: ByteStorage) {
        lock.lock()
        if free.count < limit { free.append(storage) }
        lock.unlock()
    }
}
