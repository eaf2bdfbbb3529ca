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

/// Decompresses and discards what is left of a stream, so that its checksums are checked (the
/// member streams' `finish()`).
func drain(_ decoder: any StreamDecoder) throws(InputFailure) {
    guard !decoder.isFinished else { return }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    defer { scratch.deallocate() }
    do {
        while try decoder.read(into: scratch) > 0 {}
    } catch {
        throw InputFailure(message: error.reason)
    }
}
