extension CRC32 {
    /// The CRC-32 of the concatenation A·B from `first` = CRC(A), `second` = CRC(B) and B's
    /// length, without B's bytes (zlib's `crc32_combine`, by squaring the GF(2) operator that
    /// appends zero bits): what lets the merged manifest of a sharded run carry the records
    /// checksum of a single run, from each part's checksum and length.
    package static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int64) -> UInt32 {
        guard secondLength > 0 else { return first }
        var odd = [UInt32](repeating: 0, count: 32)
        var even = [UInt32](repeating: 0, count: 32)
        odd[0] = 0xEDB8_8320  // the operator for one zero bit
        var row: UInt32 = 1
        for n in 1..<32 {
            odd[n] = row
            row <<= 1
        }
        square(&even, odd)  // two zero bits
        square(&odd, even)  // four
        var crc = first
        var length = secondLength
        repeat {
            square(&even, odd)
            if length & 1 != 0 { crc = times(even, crc) }
            length >>= 1
            if length == 0 { break }
            square(&odd, even)
            if length & 1 != 0 { crc = times(odd, crc) }
            length >>= 1
        } while length != 0
        return crc ^ second
    }

    private static func times(_ matrix: [UInt32], _ vector: UInt32) -> UInt32 {
        var sum: UInt32 = 0
        var vector = vector
        var index = 0
        while vector != 0 {
            if vector & 1 != 0 { sum ^= matrix[index] }
            vector >>= 1
            index += 1
        }
        return sum
    }

    private static func square(_ result: inout [UInt32], _ matrix: [UInt32]) {
        for n in 0..<32 { result[n] = times(matrix, matrix[n]) }
    }
}
