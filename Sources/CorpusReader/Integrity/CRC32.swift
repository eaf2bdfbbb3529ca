import CDeflate

/// CRC-32 (IEEE 802.3, the gzip and zip checksum), computed by libdeflate: carry-less
/// multiplication folding where the CPU has it, several times faster than a table loop, because
/// it fingerprints every record a corpus read yields (and checks gzip header CRCs). This file is
/// CorpusReader's one door to libdeflate.
package struct CRC32 {
    package private(set) var value: UInt32 = 0

    package init() {}

    package mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        value = libdeflate_crc32(value, base, bytes.count)
    }
}
