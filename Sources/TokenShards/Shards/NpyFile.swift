import Foundation
import Support

/// Element types that ``NpyWriter`` and ``NpyArray`` store: little-endian fixed-width numbers.
public protocol NpyElement: Sendable {
    /// The NumPy `descr` string, e.g. `<i4`.
    static var npyDescriptor: String { get }
}

extension Int32: NpyElement { public static var npyDescriptor: String { "<i4" } }
extension Int64: NpyElement { public static var npyDescriptor: String { "<i8" } }
extension Float: NpyElement { public static var npyDescriptor: String { "<f4" } }

/// Errors of `.npy` files, naming the file.
public enum NpyError: LocalizedError, Sendable, Equatable {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case notNpy(path: String, reason: String)
    case wrongType(path: String, expected: String, found: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotCreate(path, reason): "Cannot create '\(path)': \(reason)."
        case let .writeFailed(path, reason): "Writing '\(path)' failed: \(reason)."
        case let .notNpy(path, reason): "'\(path)' is not a readable .npy file: \(reason)."
        case let .wrongType(path, expected, found): "'\(path)' holds \(found) values, but \(expected) were expected."
        }
    }
}

/// Writes a one-dimensional NumPy `.npy` file (format 1.0) of unknown length, streaming.
///
/// Values go to `PATH.tmp` (an ``AtomicFileWriter``) through a buffer; ``finish()`` rewrites the
/// header with the final length and renames the file into place, so a run killed at any moment
/// leaves no file under the final name. Python reads the result with
/// `numpy.load(path, mmap_mode="r")`.
public final class NpyWriter<Element: NpyElement> {
    public let path: String
    private let file: AtomicFileWriter
    /// Whether ``finish()`` forces the file to disk before renaming it (temporary files skip it).
    private let synchronizes: Bool
    private var buffer: [UInt8] = []
    private let flushBytes = 1 << 20
    public private(set) var count = 0

    /// The header is padded to a fixed 128 bytes so that rewriting it never moves the data.
    static var headerLength: Int { 128 }

    /// `synchronizes: false` skips the `fsync` in ``finish()``: for files that are rewritten or
    /// removed before the run ends, whose durability would only cost a write to disk.
    public init(path: String, synchronizes: Bool = true) throws(NpyError) {
        self.path = path
        self.synchronizes = synchronizes
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
            try file.commit(synchronizing: synchronizes)
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

/// A one-dimensional `.npy` file mapped into memory (read-only).
public final class NpyArray<Element: NpyElement>: Sendable {
    public typealias Index = Int
    public let path: String
    public let count: Int
    private let file: MappedFile
    /// Where the values start in the file (after the header), in bytes.
    public let dataOffset: Int

    public init(path: String) throws(NpyError) {
        self.path = path
        do throws(FileSystemError) {
            file = try MappedFile(path: path)
        } catch {
            throw .notNpy(path: path, reason: error.reason)
        }
        let length = file.bytes.count
        guard length >= 12 else { throw .notNpy(path: path, reason: "it is shorter than a .npy header") }
        let raw = file.bytes.baseAddress!
        let magic = UnsafeRawBufferPointer(start: raw, count: 8)
        guard magic[0] == 0x93, Array(magic[1..<6]) == Array("NUMPY".utf8) else {
            throw .notNpy(path: path, reason: "the magic string \\x93NUMPY is missing")
        }
        let major = magic[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian)
            headerStart = 10
        } else {
            headerLength = Int(raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
            headerStart = 12
        }
        guard headerStart + headerLength <= length else {
            throw .notNpy(path: path, reason: "the header runs past the end of the file")
        }
        let header = String(
            decoding: UnsafeRawBufferPointer(start: raw + headerStart, count: headerLength), as: UTF8.self)
        func field(_ key: String) -> String? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            let rest = header[range.upperBound...].drop(while: { $0 == " " })
            if rest.first == "(" {
                return rest.firstIndex(of: ")").map { String(rest[rest.index(after: rest.startIndex)..<$0]) }
            }
            return String(rest.prefix(while: { $0 != "," && $0 != "}" })).trimmingCharacters(in: .whitespaces)
        }
        let descr = (field("descr") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard descr == Element.npyDescriptor else {
            throw .wrongType(path: path, expected: Element.npyDescriptor, found: descr)
        }
        guard field("fortran_order") == "False" else {
            throw .notNpy(path: path, reason: "Fortran-ordered arrays are not supported")
        }
        let dimensions = (field("shape") ?? "").split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard dimensions.count == 1 else {
            throw .notNpy(path: path, reason: "the array has shape (\(field("shape") ?? "?")), not one dimension")
        }
        let elementCount = dimensions[0]
        let offset = headerStart + headerLength
        // The count comes from the file: a negative or huge one must not reach the buffer.
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: MemoryLayout<Element>.size)
        guard elementCount >= 0, !overflow, byteCount <= length - offset else {
            throw .notNpy(path: path, reason: "the file holds fewer values than its header says (\(elementCount))")
        }
        guard offset % MemoryLayout<Element>.alignment == 0 else {
            throw .notNpy(
                path: path,
                reason: "its values start at byte \(offset), which is not aligned for \(Element.npyDescriptor)")
        }
        dataOffset = offset
        count = elementCount
    }

    /// Calls `body` with the values, without copying (the buffer is valid only inside `body`).
    public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows
        -> Result
    {
        try withExtendedLifetime(self) { try body(buffer) }
    }

    /// Tells the kernel the values before `index` will not be read again, so their pages leave
    /// this process's resident memory (a streaming reader of a large shard stays small).
    public func releasePages(before index: Int) {
        file.releasePages(before: dataOffset + index * MemoryLayout<Element>.stride)
    }

    private var buffer: UnsafeBufferPointer<Element> {
        // .npy data starts at a 64-byte-aligned offset (a format rule), so the cast is aligned.
        let values = file.bytes.baseAddress! + dataOffset
        return UnsafeBufferPointer(start: values.assumingMemoryBound(to: Element.self), count: count)
    }
}

extension NpyArray: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "index \(index) is outside 0..<\(count) of '\(path)'")
        return withExtendedLifetime(self) { buffer[index] }
    }
}
