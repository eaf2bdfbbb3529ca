/// A whole file mapped into memory read-only, unmapped when the last reference goes away.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only and never changes after init.
    public let path: String
    /// The file's bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer

    public init(path: String) throws(FileSystemError) {
        self.path = path
        let file = try OpenFile(path: path, access: .readOnly)
        let length = try file.size()
        guard length > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = try FileSystemCalls.mapReadOnly(file.descriptor, length: length, path: path)
        bytes = UnsafeRawBufferPointer(start: address, count: length)
    }

    deinit {
        if let address = bytes.baseAddress { FileSystemCalls.unmap(address, length: bytes.count) }
    }

    /// Tells the kernel the bytes before `offset` will not be read again, so their pages leave
    /// this process's resident memory (a streaming reader of a large file stays small).
    public func releasePages(before offset: Int) {
        guard let address = bytes.baseAddress else { return }
        let length = offset / FileSystemCalls.pageSize * FileSystemCalls.pageSize
        if length > 0 { FileSystemCalls.releasePages(address, length: length) }
    }
}
