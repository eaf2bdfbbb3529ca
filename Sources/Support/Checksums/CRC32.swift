import CDeflate

/// CRC-32 (IEEE 802.3, the gzip and zip checksum), computed by libdeflate: carry-less
/// multiplication folding where the CPU has it, several times faster than a table loop, because
/// it fingerprints every record a corpus read yields, checks gzip header CRCs and guards every
/// tensor of a checkpoint. This file is the package's one door to libdeflate.
package struct CRC32 {
    package private(set) var value: UInt32 = 0

    package init() {}

    package mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        value = libdeflate_crc32(value, base, bytes.count)
    }

    /// The CRC-32 of `bytes`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        let start = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        crc.update(UnsafeBufferPointer(start: start, count: bytes.count))
        return crc.value
    }
}
