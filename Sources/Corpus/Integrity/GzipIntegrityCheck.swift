import Foundation

/// Checks a gzip file's data against the CRC-32 and length in its trailer, which libarchive's
/// gzip reader does not verify. Fed the decompressed bytes in order on the consuming core,
/// which has slack while the other core inflates.
///
/// A trailer recording more data than was read means damage (an error). One recording less
/// means either several gzip members (`cat a.gz b.gz`, BGZF: only the last member's trailer is
/// at the end) or damage; that cannot be told apart without inflating members separately, so
/// it is a warning.
struct GzipIntegrityCheck {
    enum Verdict: Equatable {
        case verified
        case unverifiable(String)
    }

    private var crc = CRC32()
    private(set) var length: Int64 = 0

    /// A check for a plain gzip file (not an archive member, not another compression).
    init?(for member: MemberInfo) {
        guard member.container == "raw" && member.compression == ["gzip"] else { return nil }
    }

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        crc.update(bytes)
        length += Int64(bytes.count)
    }

    /// Compares what was read with the trailer; throws ``CorpusError/corruptInput(path:member:uncompressedOffset:compressedOffset:reason:)``
    /// on a mismatch.
    func verify(against trailer: GzipTrailer?, path: String, member: String?, compressedOffset: Int64) throws(CorpusError) -> Verdict {
        guard let trailer else {
            return .unverifiable("\(path): the gzip trailer could not be read, so the data was not checked.")
        }
        if UInt32(truncatingIfNeeded: length) != trailer.length {
            // The last member cannot be longer than everything read: then data was lost.
            if length < Int64(UInt32.max) && Int64(trailer.length) > length {
                throw .corruptInput(
                    path: path, member: member, uncompressedOffset: length, compressedOffset: compressedOffset,
                    reason: "the gzip trailer records \(trailer.length) bytes of data, but only \(length) could be read")
            }
            return .unverifiable("\(path): holds several gzip members (or is damaged); only single-member gzip files are checked against their CRC-32.")
        }
        guard crc.value == trailer.crc else {
            throw .corruptInput(
                path: path, member: member, uncompressedOffset: length, compressedOffset: compressedOffset,
                reason: String(format: "the gzip CRC-32 check failed (stored %08x, computed %08x)", trailer.crc, crc.value))
        }
        return .verified
    }
}
