import Foundation
import Support

/// Writes a two-dimensional float32 `.npy` file (format 1.0, C order) whose values are already
/// in memory. (``NpyWriter`` streams one-dimensional arrays of unknown length.)
///
/// The data goes through an ``AtomicFileWriter``, so the final name only ever holds a complete
/// matrix.
public enum NpyMatrixWriter {
    public static func write(_ values: [Float], rows: Int, columns: Int, to path: String) throws(NpyError) {
        precondition(values.count == rows * columns)
        do throws(FileSystemError) {
            let file = try AtomicFileWriter(path: path)
            try file.append(contentsOf: Array(header(rows: rows, columns: columns)))
            try file.append(contentsOf: values)
            try file.commit()
        } catch {
            if case .cannotOpen = error { throw .cannotCreate(path: error.path, reason: error.reason) }
            throw .writeFailed(path: path, reason: error.reason)
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
