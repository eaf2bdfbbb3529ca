import Foundation

/// Whole files written at once through an ``AtomicFileWriter``: readers see the old file or the
/// new one, never a part, and the new one is on disk when the call returns.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws(FileSystemError) {
        let writer = try AtomicFileWriter(path: url.path)
        var failure: FileSystemError?
        // `Data.withUnsafeBytes` only rethrows untyped errors.
        data.withUnsafeBytes { bytes in
            do throws(FileSystemError) { try writer.append(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
        try writer.commit()
    }
}
