#if canImport(Glibc)
import Glibc
#endif

/// An input's bytes as they come from the file or pipe, read once from one open file
/// descriptor: standard input and named pipes cannot be reopened or rewound, so the bytes
/// looked at to detect the format are kept and read again from here.
final class ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Bytes read ahead by ``peek(_:)`` and not yet handed out.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Bytes handed out by ``read(into:)`` so far.
    private(set) var bytesRead: Int64 = 0
    /// Whether the input is a regular file (which could be opened again), not a pipe or device.
    let isRegularFile: Bool

    /// Opens a path for reading, or takes standard input (which stays open).
    init(_ input: CorpusInput) throws(ByteSourceFailure) {
        switch input {
        case let .file(path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ByteSourceFailure(errno: errno) }
            descriptor = fd
            ownsDescriptor = true
        case .standardInput:
            descriptor = 0
            ownsDescriptor = false
        }
        var status = stat()
        isRegularFile = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The first `count` bytes (fewer when the input is shorter), without consuming them.
    func peek(_ count: Int) throws(ByteSourceFailure) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 64 << 10), alignment: 16)
        defer { scratch.deallocate() }
        while pending.count - pendingStart < count {
            let got = try readDescriptor(into: scratch)
            if got == 0 { break }
            pending.append(contentsOf: scratch[0..<got])
        }
        return Array(pending[pendingStart..<Swift.min(pending.count, pendingStart + count)])
    }

    /// Reads up to `buffer.count` bytes; 0 only at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceFailure) -> Int {
        guard !buffer.isEmpty else { return 0 }
        if pendingStart < pending.count {
            let count = Swift.min(buffer.count, pending.count - pendingStart)
            pending.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + pendingStart, byteCount: count)
            }
            pendingStart += count
            if pendingStart == pending.count {
                pending = []
                pendingStart = 0
            }
            bytesRead += Int64(count)
            return count
        }
        let count = try readDescriptor(into: buffer)
        bytesRead += Int64(count)
        return count
    }

    private func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceFailure) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ByteSourceFailure(errno: errno)
        }
    }
}

/// A failed `open` or `read`.
struct ByteSourceFailure: Error {
    var errno: Int32

    var message: String { String(cString: strerror(errno)) }
}
