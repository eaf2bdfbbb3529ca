/// A real tar header: not merely 512 bytes that libarchive's tar reader accepts (a block of NUL
/// bytes reads as the end of an empty archive), but one whose checksum matches.
enum TarHeader {
    static func isValid(_ block: UnsafeRawBufferPointer) -> Bool {
        guard block.count >= 512 else { return false }
        let bytes = block.bindMemory(to: UInt8.self)
        // The checksum field (bytes 148–155): octal digits, ended by NUL or space.
        var stored = 0
        var digits = 0
        for index in 148..<156 {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x37 {
                stored = stored * 8 + Int(byte - 0x30)
                digits += 1
            } else if byte == 0x20 && digits == 0 {
                continue
            } else {
                break
            }
        }
        guard digits > 0 else { return false }
        // The sum of the header's bytes with the checksum field counted as spaces.
        var sum = 0
        for index in 0..<512 { sum += (148..<156).contains(index) ? 0x20 : Int(bytes[index]) }
        return sum == stored && sum != 8 * 0x20
    }

    /// Whether `bytes` begins with a 512-byte block of NUL bytes, which libarchive's tar reader
    /// takes for the end of an (empty) archive.
    static func startsWithNullBlock(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 512 else { return false }
        return bytes[0..<512].allSatisfy { $0 == 0 }
    }
}
