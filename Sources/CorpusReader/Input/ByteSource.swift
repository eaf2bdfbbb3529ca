import Support

/// An input's bytes as they come from the file or pipe, read once from one open file
/// descriptor (Support's ``SequentialFile``, the reader's way to the system's `open` and
/// `read`): standard input and named pipes cannot be reopened or rewound, so the bytes looked
/// at to detect the format are kept and read again from here.
final class ByteSource {
    /// Where the bytes come from.
    private enum Origin {
        /// The input's file, named pipe or standard input.
        case file(SequentialFile)
        /// Another reader (an archive member), not a file descriptor.
        case supplier((UnsafeMutableRawBufferPointer) throws(ByteSourceFailure) -> Int)
    }
    private let origin: Origin
    /// Bytes handed out while recording (see ``startRecording()``), to be handed out again.
    private var recorded: [UInt8] = []
    private var isRecording = false
    private var recordingOverflowed = false
    /// How much may be recorded: what libarchive reads before it names the first member.
    private static let recordingLimit = 64 << 20
    /// Bytes read ahead by ``peek(_:)`` and not yet handed out.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Bytes handed out by ``read(into:)`` so far.
    private(set) var bytesRead: Int64 = 0
    /// Whether the input is a regular file (which could be opened again), not a pipe or device.
    let isRegularFile: Bool

    /// Opens a path for reading, or takes standard input (which stays open).
    init(_ input: CorpusInput) throws(ByteSourceFailure) {
        let file: SequentialFile
        switch input {
        case let .file(path):
            do throws(FileSystemError) {
                file = try SequentialFile(path: path)
            } catch {
                throw ByteSourceFailure(errno: error.code)
            }
        case .standardInput:
            file = .standardInput()
        }
        origin = .file(file)
        isRegularFile = file.isRegularFile
    }

    /// Bytes supplied by `read`, e.g. an archive member's, to be decompressed by a ``StreamDecoder``.
    init(reading read: @escaping (UnsafeMutableRawBufferPointer) throws(ByteSourceFailure) -> Int) {
        origin = .supplier(read)
        isRegularFile = false
    }

    /// From now on keeps every byte handed out, so that ``rewind()`` can hand them out again: a
    /// pipe's start that libarchive misjudged (a text beginning with NUL bytes taken for a tar
    /// archive) is read again as plain data.
    func startRecording() {
        recorded = []
        isRecording = true
        recordingOverflowed = false
    }

    /// Stops keeping bytes and drops those kept.
    func stopRecording() {
        recorded = []
        isRecording = false
    }

    /// Hands out again everything read since ``startRecording()``; `false` when too much was read
    /// to keep.
    func rewind() -> Bool {
        guard isRecording, !recordingOverflowed else { return false }
        pending = recorded + pending[pendingStart...]
        pendingStart = 0
        bytesRead -= Int64(recorded.count)
        stopRecording()
        return true
    }

    /// The first `count` bytes (fewer when the input is shorter), without consuming them.
    func peek(_ count: Int) throws(ByteSourceFailure) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 64 << 10), alignment: 16)
        defer { scratch.deallocate() }
        while pending.count - pendingStart < count {
            let got = try readFromOrigin(into: scratch)
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
            if isRecording { record(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
            return count
        }
        let count = try readFromOrigin(into: buffer)
        bytesRead += Int64(count)
        if isRecording { record(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
        return count
    }

    private func record(_ bytes: UnsafeRawBufferPointer) {
        guard !recordingOverflowed else { return }
        if recorded.count + bytes.count > Self.recordingLimit {
            recordingOverflowed = true
            recorded = []
            return
        }
        recorded.append(contentsOf: bytes)
    }

    private func readFromOrigin(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceFailure) -> Int {
        switch origin {
        case let .supplier(read):
            return try read(buffer)
        case let .file(file):
            do throws(FileSystemError) {
                return try file.read(into: buffer)
            } catch {
                throw ByteSourceFailure(errno: error.code)
            }
        }
    }
}
