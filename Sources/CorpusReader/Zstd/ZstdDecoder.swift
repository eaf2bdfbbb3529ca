/// Decompresses a zstd stream — one frame or several — read once from a ``ByteSource``.
/// Frame checksums are checked by libzstd; a stream that ends inside a frame is an error.
final class ZstdDecoder: StreamDecoder {
    private let source: ByteSource
    private let stream = ZstdStream()
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceEnded = false
    private var atFrameEnd = false
    private(set) var isFinished = false

    init(source: ByteSource, inputBlockSize: Int = 1 << 20) {
        self.source = source
        input = .allocate(byteCount: Swift.max(1, inputBlockSize), alignment: 64)
    }

    deinit { input.deallocate() }

    var compressionName: String { "zstd" }
    /// libzstd checks the frames' checksums; they are not counted as the gzip CRCs are.
    var checksumsVerified: Int { 0 }
    var compressedBytesConsumed: Int64 { source.bytesRead - Int64(inputEnd - inputStart) }

    func read(into output: UnsafeMutableRawBufferPointer) throws(DecodeFailure) -> Int {
        var produced = 0
        while produced < output.count && !isFinished {
            if inputStart == inputEnd && !sourceEnded {
                inputStart = 0
                do {
                    inputEnd = try source.read(into: input)
                } catch {
                    throw DecodeFailure("reading failed: \(error.message)")
                }
                if inputEnd == 0 { sourceEnded = true }
            }
            let available = UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd])
            let step = try stream.decompress(
                from: available, into: UnsafeMutableRawBufferPointer(rebasing: output[produced...]))
            inputStart += step.consumed
            produced += step.produced
            if step.consumed > 0 || step.produced > 0 { atFrameEnd = step.atFrameEnd }
            if step.consumed == 0 && step.produced == 0 {
                guard available.isEmpty && sourceEnded else {
                    throw DecodeFailure("the zstd data could not be decoded further (libzstd made no progress)")
                }
                guard atFrameEnd else { throw DecodeFailure("the zstd data is truncated: it ends inside a frame") }
                isFinished = true
            }
        }
        return produced
    }
}
