import Foundation

/// Writes a two-dimensional float32 `.npy` file (format 1.0, C order) whose values are already
/// in memory. (``NpyWriter`` streams one-dimensional arrays of unknown length.)
///
/// The data goes to a hidden temporary file in the same directory, is flushed, and is renamed
/// over `path`, so the final name only ever holds a complete matrix.
public enum NpyMatrixWriter {
    public static func write(_ values: [Float], rows: Int, columns: Int, to path: String) throws(NpyError) {
        precondition(values.count == rows * columns)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw .cannotCreate(path: temporary, reason: String(cString: strerror(errno)))
        }
        guard let handle = FileHandle(forWritingAtPath: temporary) else {
            throw .cannotCreate(path: temporary, reason: "it cannot be opened for writing")
        }
        do {
            try handle.write(contentsOf: header(rows: rows, columns: columns))
            // In pieces, so that no second copy of a large matrix is made.
            let piece = 1 << 22
            try values.withUnsafeBytes { bytes in
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + piece)
                    try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + start),
                                                      count: end - start, deallocator: .none))
                    start = end
                }
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }

    /// Magic, version 1.0, header length and the dictionary, padded with spaces to a multiple
    /// of 64 bytes (so the data is aligned for memory mapping) and ended by a newline.
    static func header(rows: Int, columns: Int) -> Data {
        var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let prefix = 10
        while (prefix + dictionary.utf8.count + 1) % 64 != 0 { dictionary += " " }
        dictionary += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(dictionary.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(dictionary.utf8)
        return Data(bytes)
    }
}
