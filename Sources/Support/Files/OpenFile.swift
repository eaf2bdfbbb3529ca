/// An open file descriptor and the path it was opened from, closed when the last reference goes
/// away. Reads and writes name their position, so several threads may use one file at once on
/// parts of it that do not overlap.
public final class OpenFile: Sendable {
    public enum Access: Sendable {
        case readOnly
        case readWrite
        /// Write-only, created if missing and emptied if present.
        case createOrTruncate
    }

    public let path: String
    let descriptor: Int32

    public init(path: String, access: Access) throws(FileSystemError) {
        self.path = path
        descriptor = try FileSystemCalls.open(path, access: access)
    }

    deinit { FileSystemCalls.close(descriptor) }

    /// The file's size in bytes.
    public func size() throws(FileSystemError) -> Int {
        try FileSystemCalls.size(descriptor, path: path)
    }

    /// Fills `buffer` with the bytes at `offset`; an end of file before it is full is an error.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileSystemError) {
        try FileSystemCalls.read(descriptor, into: buffer, at: offset, path: path)
    }

    /// Writes all of `bytes` at `offset`.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        try FileSystemCalls.write(descriptor, bytes, at: offset, path: path)
    }

    /// Cuts the file to `length` bytes.
    public func truncate(to length: Int) throws(FileSystemError) {
        try FileSystemCalls.truncate(descriptor, to: length, path: path)
    }

    /// Starts writing the file's changed pages to disk and returns at once; only
    /// ``synchronize()`` guarantees they are there.
    public func startWriteback() {
        FileSystemCalls.startWriteback(descriptor)
    }

    /// Forces the file's data to disk.
    public func synchronize() throws(FileSystemError) {
        try FileSystemCalls.synchronize(descriptor, path: path)
    }
}
