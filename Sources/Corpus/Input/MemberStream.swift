/// One opened input as the decompressing thread walks it: its members in order and their bytes.
///
/// gzip — the usual compression of corpora — is recognised from its magic bytes and inflated by
/// ISA-L (``GzipDecoder``), which also checks every member's CRC-32 and length. Everything else,
/// and whatever a gzip stream contains besides plain data (a tar archive), is read by libarchive.
protocol MemberStream: AnyObject {
    /// Advances to the next member; `nil` after the last.
    func nextMember() throws(InputFailure) -> ArchiveHandle.Entry?
    /// Fills `buffer` with the current member's bytes; 0 at the member's end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int
    /// Bytes of the input itself (compressed) consumed so far.
    var compressedBytesRead: Int64 { get }
    /// Compression filters, outermost first (`["gzip"]`; `[]` for plain data).
    var compressionFilters: [String] { get }
    /// The container format ("raw" for a single stream, "GNU tar format", …).
    var formatName: String { get }
    /// Reads what follows the last member through its checks (the end of a gzip stream around a
    /// tar archive); returns how many gzip members had their CRC-32 and length verified.
    func finish() throws(InputFailure) -> Int
}

/// What stopped reading an input, as a phrase for ``CorpusError/corruptInput(path:member:uncompressedOffset:compressedOffset:reason:)``.
struct InputFailure: Error {
    var message: String
}

enum MemberStreams {
    /// How much of a gzip stream's decompressed start libarchive is shown to tell plain data from
    /// an archive (a tar header is 512 bytes).
    static let detectionBytes = 64 << 10

    /// Opens `input` once — standard input and named pipes cannot be opened twice — and picks
    /// the reader from its first bytes.
    static func open(_ input: CorpusInput, blockSize: Int) throws(CorpusError) -> any MemberStream {
        let source: ByteSource
        let magic: [UInt8]
        do {
            source = try ByteSource(input)
            magic = try source.peek(2)
        } catch {
            throw .unreadableInput(path: input.description, reason: error.message)
        }
        if magic == [0x1F, 0x8B] {
            return try openGzip(input, source: source, blockSize: blockSize)
        }
        let archive = ArchiveHandle()
        do throws(ArchiveFailure) {
            if case let .file(path) = input, source.isRegularFile {
                // A regular file can be opened again, by path, so that libarchive may seek in it
                // (a zip archive is read through its central directory).
                try archive.open(path: path, blockSize: blockSize)
            } else {
                try archive.open(blockSize: blockSize) { buffer throws(ArchiveFailure) in
                    do throws(ByteSourceFailure) {
                        return try source.read(into: buffer)
                    } catch {
                        throw ArchiveFailure(message: "reading failed: \(error.message)", errno: error.errno)
                    }
                }
            }
        } catch {
            throw .unreadableInput(path: input.description, reason: error.message)
        }
        return ArchiveMemberStream(archive: archive, gzip: nil)
    }

    private static func openGzip(_ input: CorpusInput, source: ByteSource, blockSize: Int) throws(CorpusError) -> any MemberStream {
        let decoder = GzipDecoder(source: source, inputBlockSize: blockSize)
        let prefix: [UInt8]
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: detectionBytes, alignment: 16)
        defer { scratch.deallocate() }
        do throws(GzipDecodeFailure) {
            let count = try decoder.read(into: scratch)
            prefix = Array(scratch[0..<count])
        } catch {
            throw .corruptInput(
                path: input.description, member: nil, uncompressedOffset: 0,
                compressedOffset: decoder.compressedBytesConsumed, reason: error.reason)
        }
        let detected = prefix.withUnsafeBytes { ArchiveHandle.detect(prefix: $0) }
        if prefix.isEmpty || (detected?.format == "raw" && detected?.filters == []) {
            return GzipMemberStream(decoder: decoder, prefix: prefix)
        }
        // An archive (or another compression) inside the gzip stream: libarchive reads the
        // inflated bytes, starting again with the ones used for detection.
        var replayed = 0
        let archive = ArchiveHandle()
        do throws(ArchiveFailure) {
            try archive.open(blockSize: blockSize) { buffer throws(ArchiveFailure) in
                if replayed < prefix.count {
                    let count = Swift.min(buffer.count, prefix.count - replayed)
                    prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count) }
                    replayed += count
                    return count
                }
                do throws(GzipDecodeFailure) {
                    return try decoder.read(into: buffer)
                } catch {
                    throw ArchiveFailure(message: error.reason, errno: 0)
                }
            }
        } catch {
            throw .corruptInput(
                path: input.description, member: nil, uncompressedOffset: 0,
                compressedOffset: decoder.compressedBytesConsumed, reason: error.message)
        }
        return ArchiveMemberStream(archive: archive, gzip: decoder)
    }
}

/// A plain gzip file (one or more members): a single member, inflated by ISA-L without libarchive.
final class GzipMemberStream: MemberStream {
    private let decoder: GzipDecoder
    private var prefix: [UInt8]
    private var replayed = 0
    private var started = false

    init(decoder: GzipDecoder, prefix: [UInt8]) {
        self.decoder = decoder
        self.prefix = prefix
    }

    func nextMember() throws(InputFailure) -> ArchiveHandle.Entry? {
        if started { return nil }
        started = true
        return ArchiveHandle.Entry(pathname: nil, isRegularFile: true, declaredSize: nil)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        if replayed < prefix.count {
            let count = Swift.min(buffer.count, prefix.count - replayed)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count) }
            replayed += count
            if replayed == prefix.count { prefix = [] ; replayed = 0 }
            return count
        }
        do {
            return try decoder.read(into: buffer)
        } catch {
            throw InputFailure(message: error.reason)
        }
    }

    var compressedBytesRead: Int64 { decoder.compressedBytesConsumed }
    var compressionFilters: [String] { ["gzip"] }
    var formatName: String { "raw" }

    func finish() throws(InputFailure) -> Int {
        try drain(decoder)
        return decoder.membersVerified
    }
}

/// An input libarchive reads: any format but plain gzip, read from the file or the pipe, or from
/// ISA-L's output for an archive inside gzip.
final class ArchiveMemberStream: MemberStream {
    private let archive: ArchiveHandle
    private let gzip: GzipDecoder?

    init(archive: ArchiveHandle, gzip: GzipDecoder?) {
        self.archive = archive
        self.gzip = gzip
    }

    func nextMember() throws(InputFailure) -> ArchiveHandle.Entry? {
        do {
            return try archive.nextEntry()
        } catch {
            throw InputFailure(message: error.message)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        do {
            return try archive.read(into: buffer)
        } catch {
            throw InputFailure(message: error.message)
        }
    }

    var compressedBytesRead: Int64 { gzip?.compressedBytesConsumed ?? archive.compressedBytesRead }
    var compressionFilters: [String] { (gzip == nil ? [] : ["gzip"]) + archive.compressionFilters }
    var formatName: String { archive.formatName }

    func finish() throws(InputFailure) -> Int {
        guard let gzip else { return 0 }
        // libarchive stops at the archive's end marker; the gzip trailer (and padding) follow.
        try drain(gzip)
        return gzip.membersVerified
    }
}

/// Inflates and discards what is left of a gzip stream, so that its trailers are checked.
private func drain(_ decoder: GzipDecoder) throws(InputFailure) {
    guard !decoder.isFinished else { return }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    defer { scratch.deallocate() }
    do {
        while try decoder.read(into: scratch) > 0 {}
    } catch {
        throw InputFailure(message: error.reason)
    }
}
