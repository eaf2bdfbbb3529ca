import CArchive

#if canImport(Glibc)
    import Glibc
#endif

/// The one file through which Corpus calls libarchive.
///
/// libarchive detects compression filters (gzip, bzip2, xz, zstd, lz4, …) and archive formats
/// (zip, tar, …) from the bytes, not from file names. With the `raw` format enabled as well, a
/// plain or merely compressed file reads as an archive with a single member, so every input
/// goes through one code path. No libarchive type leaves this file.
final class ArchiveHandle {
    private let archive: OpaquePointer
    private var isOpen = false
    /// The supplier of the bytes when they come from a closure (kept alive while open).
    private var callbackReader: CallbackReader?

    /// Which member is current, as libarchive reports it.
    struct Entry {
        /// The member's path inside the archive; `nil` for a plain or compressed single file.
        var pathname: String?
        /// Whether it is a regular file (directories, links and devices carry no text).
        var isRegularFile: Bool
        /// The member's size when the container records it (tar, zip), else `nil`.
        var declaredSize: Int64?
        /// What libarchive warned about while reading the member's header (it read it anyway).
        var warning: String? = nil
    }

    /// Which container formats to recognise.
    enum Formats {
        /// Every archive format Corpus reads, and `raw` for everything else.
        case archives
        /// Only `raw`: the stream (after any compression) is one member whatever it holds — for
        /// text whose start merely looks like an archive, and for a compressed archive member.
        case rawOnly
    }

    init(formats: Formats = .archives) {
        guard let handle = archive_read_new() else {
            // libarchive returns NULL only when malloc fails.
            fatalError("libarchive could not allocate a reader (out of memory).")
        }
        archive = handle
        archive_read_support_filter_all(archive)
        if formats == .rawOnly {
            archive_read_support_format_raw(archive)
            return
        }
        // Not format_all: its mtree reader bids on plain text and claims small CSV files
        // ("a,b,c" parses as an mtree entry). These formats are recognised by magic bytes.
        archive_read_support_format_tar(archive)
        archive_read_support_format_zip(archive)
        archive_read_support_format_7zip(archive)
        archive_read_support_format_cpio(archive)
        archive_read_support_format_ar(archive)
        archive_read_support_format_iso9660(archive)
        archive_read_support_format_xar(archive)
        archive_read_support_format_rar(archive)
        archive_read_support_format_rar5(archive)
        archive_read_support_format_cab(archive)
        archive_read_support_format_lha(archive)
        archive_read_support_format_empty(archive)
        archive_read_support_format_raw(archive)
    }

    deinit {
        if isOpen { archive_read_close(archive) }
        archive_read_free(archive)
    }

    /// Opens a file by path (seekable: zip archives are read through their central directory).
    func open(path: String, blockSize: Int) throws(ArchiveFailure) {
        let status = archive_read_open_filename(archive, path, blockSize)
        try check(status)
        isOpen = true
    }

    /// Opens a stream whose bytes a closure supplies: a pipe whose first bytes were already read
    /// to detect gzip, or the output of ISA-L's inflate (a `.tar.gz`). `read` fills the buffer
    /// it is given and returns the count, 0 at the end.
    func open(blockSize: Int, read: @escaping (UnsafeMutableRawBufferPointer) throws(ArchiveFailure) -> Int)
        throws(ArchiveFailure)
    {
        let reader = CallbackReader(blockSize: blockSize, read: read)
        callbackReader = reader
        let status = archive_read_open(
            archive, Unmanaged.passUnretained(reader).toOpaque(), nil,
            { _, client, buffer in
                let reader = Unmanaged<CallbackReader>.fromOpaque(client!).takeUnretainedValue()
                do throws(ArchiveFailure) {
                    let count = try reader.read(reader.buffer)
                    buffer?.pointee = UnsafeRawPointer(reader.buffer.baseAddress)
                    return count
                } catch {
                    reader.failure = error
                    return -1
                }
            }, nil)
        try check(status)
        isOpen = true
    }

    /// The container format and compression filters libarchive sees in `prefix`, the first bytes
    /// of a stream (`nil` when it cannot tell).
    static func detect(prefix: UnsafeRawBufferPointer) -> (format: String, filters: [String])? {
        let handle = ArchiveHandle()
        guard archive_read_open_memory(handle.archive, prefix.baseAddress, prefix.count) == ARCHIVE_OK else {
            return nil
        }
        handle.isOpen = true
        guard (try? handle.nextEntry()) != nil else { return nil }
        return (handle.formatName, handle.compressionFilters)
    }

    /// Advances to the next member; `nil` at the end of the archive.
    func nextEntry() throws(ArchiveFailure) -> Entry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        if status != ARCHIVE_OK && status != ARCHIVE_WARN { try check(status) }
        guard let entry else { return nil }
        // A warning on a header (a name that cannot be converted, a damaged but readable header)
        // is passed on for the report rather than dropped.
        let warning =
            status == ARCHIVE_WARN
            ? archive_error_string(archive).map { String(cString: $0) } ?? "libarchive warned about the member's header"
            : nil
        let format = formatName
        let pathname: String?
        if format == "raw" {
            pathname = nil
        } else if let cName = archive_entry_pathname(entry) {
            pathname = String(cString: cName)
        } else {
            pathname = "(unnamed member)"
        }
        let fileType = archive_entry_filetype(entry)
        // The raw format reports no file type; its single member is the stream itself.
        let isRegular = format == "raw" || fileType == regularFileType || fileType == 0
        let size: Int64? = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        return Entry(pathname: pathname, isRegularFile: isRegular, declaredSize: size, warning: warning)
    }

    /// Reads decompressed bytes of the current member into `buffer`; 0 at the member's end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveFailure) -> Int {
        while true {
            let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if Int32(count) == ARCHIVE_RETRY { continue }
            // A warning while reading data (a zip member's CRC-32 does not match, …) means the
            // bytes are wrong or incomplete: never treat it as the member's end.
            try check(Int32(count))
        }
    }

    /// Bytes of the underlying file consumed so far (compressed bytes).
    var compressedBytesRead: Int64 { archive_filter_bytes(archive, -1) }

    /// The compression filters applied to the input, outermost first (e.g. `["gzip"]`), without
    /// the pass-through filter "none".
    var compressionFilters: [String] {
        let count = archive_filter_count(archive)
        var names: [String] = []
        for index in stride(from: count - 1, through: 0, by: -1) {
            guard let cName = archive_filter_name(archive, index) else { continue }
            let name = String(cString: cName)
            if name != "none" { names.append(name) }
        }
        return names
    }

    /// The container format libarchive detected ("raw" for a plain or compressed single stream).
    var formatName: String {
        guard let cName = archive_format_name(archive) else { return "unknown" }
        return String(cString: cName)
    }

    /// `AE_IFREG`; the header defines it through a cast the Swift importer does not import.
    private let regularFileType: UInt32 = 0o100000

    private func check(_ status: Int32) throws(ArchiveFailure) {
        guard status != ARCHIVE_OK else { return }
        // A failure of the closure supplying the bytes explains itself better than libarchive can.
        if let failure = callbackReader?.failure { throw failure }
        let message =
            archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error (status \(status))"
        throw ArchiveFailure(message: message, errno: archive_errno(archive))
    }

    /// The version line of the linked libarchive and its compression libraries.
    static var versionDetails: String { String(cString: archive_version_details()) }
}

/// The buffer and closure behind ``ArchiveHandle/open(blockSize:read:)``.
private final class CallbackReader {
    let buffer: UnsafeMutableRawBufferPointer
    let read: (UnsafeMutableRawBufferPointer) throws(ArchiveFailure) -> Int
    var failure: ArchiveFailure?

    init(blockSize: Int, read: @escaping (UnsafeMutableRawBufferPointer) throws(ArchiveFailure) -> Int) {
        buffer = .allocate(byteCount: blockSize, alignment: 64)
        self.read = read
    }

    deinit { buffer.deallocate() }
}

/// A failure reported by libarchive, before Corpus adds the file, member and offset.
struct ArchiveFailure: Error {
    var message: String
    var errno: Int32
}
