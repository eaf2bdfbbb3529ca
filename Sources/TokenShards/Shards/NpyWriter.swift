import Support

/// Writes a one-dimensional NumPy `.npy` file (format 1.0) of unknown length, streaming.
///
/// Values go to `PATH.tmp` (an ``AtomicFileWriter``) through a buffer; ``finish()`` rewrites the
/// header with the final length and renames the file into place, so a run killed at any moment
/// leaves no file under the final name. Python reads the result with
/// `numpy.load(path, mmap_mode="r")`.
public final class NpyWriter<Element: NpyElement> {
    public let path: String
    private let file: AtomicFileWriter
    /// How far ``finish()`` takes the file towards the disk.
    private let durability: AtomicFileWriter.Durability
    private var buffer: [UInt8] = []
    private let flushBytes = 1 << 20
    public private(set) var count = 0

    /// The header is padded to a fixed 128 bytes so that rewriting it never moves the data.
    static var headerLength: Int { 128 }

    /// `durability` is what ``finish()`` does before the rename: force the file to disk (the
    /// default), only start writing it (the caller forces it later), or neither (a file that is
    /// rewritten or removed before the run ends).
    public init(path: String, durability: AtomicFileWriter.Durability = .forced) throws(NpyError) {
        self.path = path
        self.durability = durability
        // Named after the destination, so that the tokenize pass can clear those a killed run left.
        let temporaryPath = path + ".tmp"
        do throws(FileSystemError) {
            file = try AtomicFileWriter(path: path, temporaryPath: temporaryPath)
        } catch {
            throw .cannotCreate(path: temporaryPath, reason: error.reason)
        }
        buffer.reserveCapacity(flushBytes + 4096)
        buffer.append(contentsOf: Self.header(count: 0))
    }

    /// Appends values (stored little-endian, which is every platform Swift runs on here).
    public func append(contentsOf values: UnsafeBufferPointer<Element>) throws(NpyError) {
        buffer.append(contentsOf: UnsafeRawBufferPointer(values))
        count += values.count
        if buffer.count >= flushBytes { try flush() }
    }

    public func append(contentsOf values: [Element]) throws(NpyError) {
        try values.withUnsafeBufferPointer { (pointer) throws(NpyError) in try append(contentsOf: pointer) }
    }

    public func append(_ value: Element) throws(NpyError) {
        try withUnsafePointer(to: value) { (pointer) throws(NpyError) in
            try append(contentsOf: UnsafeBufferPointer(start: pointer, count: 1))
        }
    }

    /// Writes the final header and moves the file into place.
    public func finish() throws(NpyError) {
        try flush()
        do throws(FileSystemError) {
            try file.write(contentsOf: Self.header(count: count), at: 0)
            try file.commit(durability)
        } catch {
            throw .writeFailed(path: path, reason: error.reason)
        }
    }

    private func flush() throws(NpyError) {
        guard !buffer.isEmpty else { return }
        do throws(FileSystemError) {
            try file.append(contentsOf: buffer)
        } catch {
            throw .writeFailed(path: file.temporaryPath, reason: error.reason)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    static func header(count: Int) -> [UInt8] {
        var dictionary = "{'descr': '\(Element.npyDescriptor)', 'fortran_order': False, 'shape': (\(count),), }"
        let prefix = 10  // magic (6) + version (2) + header length (2)
        while prefix + dictionary.utf8.count + 1 < headerLength { dictionary += " " }
        dictionary += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(dictionary.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(dictionary.utf8)
        return bytes
    }
}
