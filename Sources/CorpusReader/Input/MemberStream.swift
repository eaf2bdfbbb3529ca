/// One opened input as the decompressing thread walks it: its members in order and their bytes.
///
/// gzip and zstd — the usual compressions of corpora — are recognised from their magic bytes
/// and decompressed by ISA-L (``GzipDecoder``, which also checks every member's CRC-32 and
/// length) and libzstd (``ZstdDecoder``). Everything else, and whatever such a stream holds
/// besides plain data (a tar archive), is read by libarchive.
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

/// What stopped reading an input, as a phrase for
/// ``CorpusError/corruptInput(path:member:uncompressedOffset:compressedOffset:reason:)``.
struct InputFailure: Error {
    var message: String
}

enum MemberStreams {
    /// How much of a decompressed stream's start libarchive is shown to tell plain data from
    /// an archive (a tar header is 512 bytes).
    static let detectionBytes = 64 << 10

    /// Opens `input` once — standard input and named pipes cannot be opened twice — and picks
    /// the reader from its first bytes.
    static func open(_ input: CorpusInput, blockSize: Int) throws(CorpusError) -> any MemberStream {
        let source: ByteSource
        let magic: [UInt8]
        do {
            source = try ByteSource(input)
            magic = try source.peek(4)
        } catch {
            throw .unreadableInput(path: input.description, reason: error.message)
        }
        if magic.starts(with: [0x1F, 0x8B]) {
            return try openDecoded(input, GzipDecoder(source: source, inputBlockSize: blockSize), blockSize: blockSize)
        }
        if magic == [0x28, 0xB5, 0x2F, 0xFD] {
            return try openDecoded(input, ZstdDecoder(source: source, inputBlockSize: blockSize), blockSize: blockSize)
        }
        do throws(ArchiveFailure) {
            // Recorded so that a pipe's start can be read again as plain data (below).
            let opensByPath = if case .file = input { source.isRegularFile } else { false }
            if !opensByPath { source.startRecording() }
            defer { source.stopRecording() }
            let stream = try openArchive(input, source, formats: .archives, blockSize: blockSize)
            guard stream.startsWithNullBlock else { return stream }
            // libarchive's tar reader takes a first block of NUL bytes for the end of an empty
            // archive, which would lose a text that begins with NUL bytes without a word. There
            // is no tar header, so the input is read as plain data: its NUL bytes then reach
            // the record parsers, which count them.
            if !opensByPath && !source.rewind() {
                throw ArchiveFailure(
                    message:
                        "the input begins with NUL bytes, and too much of it was read to tell whether it is an archive",
                    errno: 0)
            }
            return try openArchive(input, source, formats: .rawOnly, blockSize: blockSize)
        } catch {
            throw .unreadableInput(path: input.description, reason: error.message)
        }
    }

    private static func openArchive(
        _ input: CorpusInput, _ source: ByteSource, formats: ArchiveHandle.Formats, blockSize: Int
    ) throws(ArchiveFailure) -> ArchiveMemberStream {
        let archive = ArchiveHandle(formats: formats)
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
        let stream = ArchiveMemberStream(archive: archive, decoder: nil)
        stream.readFirstEntry()
        return stream
    }

    private static func openDecoded(_ input: CorpusInput, _ decoder: any StreamDecoder, blockSize: Int)
        throws(CorpusError) -> any MemberStream
    {
        let prefix: [UInt8]
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: detectionBytes, alignment: 16)
        defer { scratch.deallocate() }
        do throws(DecodeFailure) {
            let count = try decoder.read(into: scratch)
            prefix = Array(scratch[0..<count])
        } catch {
            throw .corruptInput(
                path: input.description, member: nil, uncompressedOffset: 0,
                compressedOffset: decoder.compressedBytesConsumed, reason: error.reason)
        }
        let detected = prefix.withUnsafeBytes { ArchiveHandle.detect(prefix: $0) }
        // A text beginning with a block of NUL bytes is no tar archive (see `open`).
        if prefix.isEmpty || prefix.withUnsafeBytes(TarHeader.startsWithNullBlock)
            || (detected?.format == "raw" && detected?.filters == [])
        {
            return DecodedMemberStream(decoder: decoder, prefix: prefix)
        }
        // An archive (or another compression) inside the stream: libarchive reads the
        // inflated bytes, starting again with the ones used for detection.
        var replayed = 0
        let archive = ArchiveHandle()
        do throws(ArchiveFailure) {
            try archive.open(blockSize: blockSize) { buffer throws(ArchiveFailure) in
                if replayed < prefix.count {
                    let count = Swift.min(buffer.count, prefix.count - replayed)
                    prefix.withUnsafeBytes {
                        buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count)
                    }
                    replayed += count
                    return count
                }
                do throws(DecodeFailure) {
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
        let stream = ArchiveMemberStream(archive: archive, decoder: decoder)
        stream.readFirstEntry()
        return stream
    }
}

/// A plain gzip or zstd file (one or more members or frames): a single member, decompressed
/// without libarchive.
final class DecodedMemberStream: MemberStream {
    private let decoder: any StreamDecoder
    private var prefix: [UInt8]
    private var replayed = 0
    private var started = false

    init(decoder: any StreamDecoder, prefix: [UInt8]) {
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
            prefix.withUnsafeBytes {
                buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count)
            }
            replayed += count
            if replayed == prefix.count { prefix = []; replayed = 0 }
            return count
        }
        do {
            return try decoder.read(into: buffer)
        } catch {
            throw InputFailure(message: error.reason)
        }
    }

    var compressedBytesRead: Int64 { decoder.compressedBytesConsumed }
    var compressionFilters: [String] { [decoder.compressionName] }
    var formatName: String { "raw" }

    func finish() throws(InputFailure) -> Int {
        try drain(decoder)
        return decoder.checksumsVerified
    }
}

/// An input libarchive reads: any format but plain gzip or zstd, read from the file or the
/// pipe, or from a ``StreamDecoder``'s output for an archive inside gzip or zstd.
final class ArchiveMemberStream: MemberStream {
    private let archive: ArchiveHandle
    private let decoder: (any StreamDecoder)?
    /// The first member (or the failure to read it), read when the stream is opened to check
    /// what libarchive made of the input; handed out by the first ``nextMember()``.
    private var firstEntry: Result<ArchiveHandle.Entry?, ArchiveFailure>?

    init(archive: ArchiveHandle, decoder: (any StreamDecoder)?) {
        self.archive = archive
        self.decoder = decoder
    }

    /// Reads the first member's header, so that ``startsWithNullBlock`` can be asked.
    func readFirstEntry() {
        do throws(ArchiveFailure) {
            firstEntry = .success(try archive.nextEntry())
        } catch {
            firstEntry = .failure(error)
        }
    }

    /// Whether libarchive took the input for a tar archive that ends before its first member:
    /// what a first block of NUL bytes (a text beginning with them) looks like to it.
    var startsWithNullBlock: Bool {
        guard case .success(.none) = firstEntry else { return false }
        return archive.formatName.lowercased().contains("tar")
    }

    func nextMember() throws(InputFailure) -> ArchiveHandle.Entry? {
        if let first = firstEntry {
            firstEntry = nil
            switch first {
            case let .success(entry): return entry
            case let .failure(error): throw InputFailure(message: error.message)
            }
        }
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

    var compressedBytesRead: Int64 { decoder?.compressedBytesConsumed ?? archive.compressedBytesRead }
    var compressionFilters: [String] { (decoder.map { [$0.compressionName] } ?? []) + archive.compressionFilters }
    var formatName: String { archive.formatName }

    func finish() throws(InputFailure) -> Int {
        guard let decoder else { return 0 }
        // libarchive stops at the archive's end marker; the gzip trailer (and padding) follow.
        try drain(decoder)
        return decoder.checksumsVerified
    }
}

/// Decompresses and discards what is left of a stream, so that its checksums are checked.
private func drain(_ decoder: any StreamDecoder) throws(InputFailure) {
    guard !decoder.isFinished else { return }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    defer { scratch.deallocate() }
    do {
        while try decoder.read(into: scratch) > 0 {}
    } catch {
        throw InputFailure(message: error.reason)
    }
}
