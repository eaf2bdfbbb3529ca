/// A plain gzip or zstd file (one or more members or frames): a single member, decompressed
/// without libarchive.
final class DecodedMemberStream: MemberStream {
    private let decoder: any StreamDecoder
    private var prefix: PrefixReplay
    private var started = false

    init(decoder: any StreamDecoder, prefix: [UInt8]) {
        self.decoder = decoder
        self.prefix = PrefixReplay(prefix)
    }

    func nextMember() throws(InputFailure) -> ArchiveHandle.Entry? {
        if started { return nil }
        started = true
        return ArchiveHandle.Entry(pathname: nil, isRegularFile: true, declaredSize: nil)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        if let count = prefix.read(into: buffer) { return count }
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
