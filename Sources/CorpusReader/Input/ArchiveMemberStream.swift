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
