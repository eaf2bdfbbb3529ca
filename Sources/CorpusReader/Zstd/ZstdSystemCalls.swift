import CZstd

/// The one file through which Corpus calls libzstd.
///
/// libzstd decodes frame after frame (`cat a.zst b.zst`), skips skippable frames and checks
/// each frame's content checksum when the frame has one (the `zstd` tool writes it by default).
/// No libzstd type leaves this file.
final class ZstdStream {
    private let stream: OpaquePointer

    init() {
        guard let stream = ZSTD_createDStream() else {
            // libzstd returns NULL only when malloc fails.
            fatalError("libzstd could not allocate a decompression stream (out of memory).")
        }
        self.stream = stream
        ZSTD_initDStream(stream)
    }

    deinit { ZSTD_freeDStream(stream) }

    /// What one ``decompress(from:into:)`` call did.
    struct Step {
        var consumed: Int
        var produced: Int
        /// A frame ended and everything decoded was flushed: the stream may end here.
        var atFrameEnd: Bool
    }

    /// Decompresses from `input` into `output` as far as both allow.
    func decompress(from input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(DecodeFailure) -> Step
    {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var destination = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let result = ZSTD_decompressStream(stream, &destination, &source)
        if ZSTD_isError(result) != 0 {
            throw DecodeFailure("the zstd data is damaged (\(String(cString: ZSTD_getErrorName(result))))")
        }
        return Step(consumed: source.pos, produced: destination.pos, atFrameEnd: result == 0)
    }
}
