/// A file, named pipe or standard input read once from start to end through one descriptor,
/// as a stream: a read returns what is there (fewer bytes than asked for is normal) and 0 only
/// at the end. What cannot be reopened or rewound (a pipe, standard input) is read as it comes.
public final class SequentialFile {
    /// The path, or `-` for standard input.
    public let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Whether it is a regular file (which could be opened again by its path), not a pipe or
    /// device.
    public let isRegularFile: Bool

    /// Opens `path` for reading.
    public convenience init(path: String) throws(FileSystemError) {
        self.init(descriptor: try FileSystemCalls.open(path, access: .readOnly), owned: true, path: path)
    }

    /// Standard input, which stays open when this goes away.
    public static func standardInput() -> SequentialFile {
        SequentialFile(descriptor: 0, owned: false, path: "-")
    }

    private init(descriptor: Int32, owned: Bool, path: String) {
        self.descriptor = descriptor
        ownsDescriptor = owned
        self.path = path
        isRegularFile = FileSystemCalls.isRegularFile(descriptor)
    }

    deinit {
        if ownsDescriptor { FileSystemCalls.close(descriptor) }
    }

    /// Reads up to `buffer.count` bytes; 0 only at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        try FileSystemCalls.readSome(descriptor, into: buffer, path: path)
    }
}
