/// A compressed member, decompressed: gzip and zstd by Corpus's own decoders (which check every
/// gzip member's CRC-32), the rest by libarchive's filters.
final class DecompressedMemberBytes: MemberBytes {
    private let decoder: (any StreamDecoder)?
    private let archive: ArchiveHandle?
    let compression: String

    init(compression: String, source: any MemberBytes) throws(InputFailure) {
        self.compression = compression
        let read: (UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int = { buffer throws(InputFailure) in
            try source.read(into: buffer)
        }
        switch compression {
        case "gzip", "zstd":
            let bytes = ByteSource { buffer throws(ByteSourceFailure) in
                do throws(InputFailure) {
                    return try read(buffer)
                } catch {
                    throw ByteSourceFailure(errno: 0, reason: error.message)
                }
            }
            decoder =
                compression == "gzip"
                ? GzipDecoder(source: bytes, inputBlockSize: 256 << 10)
                : ZstdDecoder(source: bytes, inputBlockSize: 256 << 10)
            archive = nil
        default:
            let handle = ArchiveHandle(formats: .rawOnly)
            do throws(ArchiveFailure) {
                try handle.open(blockSize: 256 << 10) { buffer throws(ArchiveFailure) in
                    do throws(InputFailure) {
                        return try read(buffer)
                    } catch {
                        throw ArchiveFailure(message: error.message, errno: 0)
                    }
                }
                guard try handle.nextEntry() != nil else {
                    throw ArchiveFailure(message: "the \(compression) data is empty", errno: 0)
                }
            } catch {
                throw InputFailure(
                    message: "the member is \(compression)-compressed, and decompressing it failed: \(error.message)")
            }
            decoder = nil
            archive = handle
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        if let decoder {
            do throws(DecodeFailure) {
                let count = try decoder.read(into: buffer)
                if count == 0 && !decoder.isFinished {
                    throw DecodeFailure("the stream ended before its end was checked")
                }
                return count
            } catch {
                throw InputFailure(
                    message: "the member is \(compression)-compressed, and decompressing it failed: \(error.reason)")
            }
        }
        do throws(ArchiveFailure) {
            return try archive!.read(into: buffer)
        } catch {
            throw InputFailure(
                message: "the member is \(compression)-compressed, and decompressing it failed: \(error.message)")
        }
    }
}
