/// A decompressor Corpus drives itself, without libarchive: gzip through ISA-L, zstd through
/// libzstd — the usual compressions of large corpora, where libarchive's extra copy and zlib's
/// speed showed. It reads its ``ByteSource`` once.
protocol StreamDecoder: AnyObject {
    /// Fills `output` with decompressed bytes; fewer only at the end of the stream, 0 after it.
    func read(into output: UnsafeMutableRawBufferPointer) throws(DecodeFailure) -> Int
    /// Compressed bytes decoded so far (for progress and for the offset of an error).
    var compressedBytesConsumed: Int64 { get }
    /// Whether the whole stream was read and checked.
    var isFinished: Bool { get }
    /// The compression's name as reports show it ("gzip", "zstd").
    var compressionName: String { get }
    /// How many checksums were verified and are worth reporting (gzip members).
    var checksumsVerified: Int { get }
}

/// Why a compressed stream could not be decompressed, as a phrase for ``CorpusError``.
struct DecodeFailure: Error {
    var reason: String

    init(_ reason: String) { self.reason = reason }
}
