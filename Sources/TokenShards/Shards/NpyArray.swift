import Foundation
import Support

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
