import Foundation

/// Writes a file that appears under its name only when complete: the bytes go to a temporary
/// file in the same directory, which ``commit(_:)`` forces to disk and renames over
/// the destination, then forces the directory entry to disk. A writer dropped before it commits
/// removes its temporary file, so a failure or a killed run never leaves a half-written file
/// under the destination's name.
public final class AtomicFileWriter {
    /// The destination.
    public let path: String
    public let temporaryPath: String
    private let file: OpenFile
    /// Where ``append(_:)`` writes next: the end of what was appended so far.
    public private(set) var length = 0
    private var committed = false

    /// Starts a file for `path`. The temporary file is hidden and named after the destination,
    /// this process and a random number, unless `temporaryPath` names another one (in the same
    /// directory, so that the rename cannot cross file systems).
    public init(path: String, temporaryPath: String? = nil) throws(FileSystemError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let process = ProcessInfo.processInfo.processIdentifier
        self.temporaryPath =
            temporaryPath ?? url.deletingLastPathComponent().path
            + "/.\(url.lastPathComponent).tmp-\(process)-\(UInt32.random(in: 0 ... .max))"
        file = try OpenFile(path: self.temporaryPath, access: .createOrTruncate)
    }

    deinit {
        if !committed { FileSystemCalls.removeIfPresent(temporaryPath) }
    }

    /// Appends `bytes` after everything appended so far.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        try file.write(bytes, at: length)
        length += bytes.count
    }

    /// Appends the bytes of `values` as they lie in memory.
    public func append<Element>(contentsOf values: [Element]) throws(FileSystemError) {
        try Self.withBytes(of: values) { (bytes) throws(FileSystemError) in try append(bytes) }
    }

    /// Writes `bytes` at `offset` (over bytes appended before, e.g. a header whose counts are
    /// known only at the end).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        try file.write(bytes, at: offset)
        length = max(length, offset + bytes.count)
    }

    /// Writes the bytes of `values` at `offset`.
    public func write<Element>(contentsOf values: [Element], at offset: Int) throws(FileSystemError) {
        try Self.withBytes(of: values) { (bytes) throws(FileSystemError) in try write(bytes, at: offset) }
    }

    /// `body` on the bytes of `values`, its error passed on as it is (`withUnsafeBytes` only
    /// rethrows untyped errors).
    private static func withBytes<Element>(
        of values: [Element],
        _ body: (UnsafeRawBufferPointer) throws(FileSystemError) -> Void
    )
        throws(FileSystemError)
    {
        var failure: FileSystemError?
        values.withUnsafeBytes { bytes in
            do throws(FileSystemError) { try body(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// How far ``commit(_:)`` takes a file towards the disk.
    public enum Durability: Sendable {
        /// Forced to disk, then its directory entry too: the file survives a crash of the machine.
        case forced
        /// Its content is final, but the caller forces it later (``OpenFile/synchronize()``, before
        /// anything points to it): writing to disk starts now and goes on while the run does.
        case writebackStarted
        /// Rewritten or removed before the run ends: never forced, whose durability would only
        /// cost a write to disk.
        case temporary
    }

    /// Moves the file into place, taking it as far towards the disk as `durability` says.
    public func commit(_ durability: Durability = .forced) throws(FileSystemError) {
        precondition(!committed, "AtomicFileWriter.commit called twice for '\(path)'")
        switch durability {
        case .forced: try file.synchronize()
        case .writebackStarted: file.startWriteback()
        case .temporary: break
        }
        try FileSystemCalls.rename(temporaryPath, to: path)
        committed = true
        if durability == .forced {
            try FileSystemCalls.synchronizeDirectory(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
    }
}
