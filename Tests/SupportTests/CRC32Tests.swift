import Testing

@testable import Support

@Suite struct CRC32Tests {
    func crc(_ pieces: [[UInt8]]) -> UInt32 {
        var crc = CRC32()
        for piece in pieces { piece.withUnsafeBufferPointer { crc.update($0) } }
        return crc.value
    }

    /// The standard check value of CRC-32/ISO-HDLC, and what gzip stores for empty data.
    @Test func matchesTheStandardCheckValues() {
        #expect(crc([Array("123456789".utf8)]) == 0xCBF4_3926)
        #expect(crc([]) == 0)
        #expect(crc([[]]) == 0)
        #expect(crc([Array("The quick brown fox jumps over the lazy dog".utf8)]) == 0x414F_A339)
    }

    /// Fed in pieces of any size (the reader's blocks, one record at a time), the value is the
    /// whole input's — checked against a bit-by-bit reference on 100 kB of varied bytes.
    @Test func piecesGiveTheWholeInputsValue() {
        let bytes = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        var reference: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            reference ^= UInt32(byte)
            for _ in 0..<8 { reference = reference & 1 == 1 ? (reference >> 1) ^ 0xEDB8_8320 : reference >> 1 }
        }
        reference = ~reference
        #expect(crc([bytes]) == reference)
        var pieces: [[UInt8]] = []
        var start = 0
        var size = 1
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            pieces.append(Array(bytes[start..<end]))
            start = end
            size = size * 3 % 4_099 + 1
        }
        #expect(pieces.count > 50)
        #expect(crc(pieces) == reference)
    }

    @Test func combinedCRCEqualsTheCRCOfTheConcatenation() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        for cut in [0, 1, 7, 4096, 9999, 10_000] {
            var whole = CRC32(), first = CRC32(), second = CRC32()
            bytes.withUnsafeBufferPointer { all in
                whole.update(all)
                first.update(UnsafeBufferPointer(rebasing: all[..<cut]))
                second.update(UnsafeBufferPointer(rebasing: all[cut...]))
            }
            #expect(
                CRC32.combine(first.value, second.value, secondLength: Int64(bytes.count - cut)) == whole.value,
                "cut \(cut)")
        }
    }
}
