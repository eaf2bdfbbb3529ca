import Testing

@testable import CorpusReader
@testable import Support

@Suite struct GzipHeaderParserTests {
    /// A header with every optional field: extra (4 bytes), name, comment and the CRC-16.
    func fullHeader(corruptCRC: Bool = false) -> [UInt8] {
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]
        header += [4, 0, 0xAA, 0xBB, 0xCC, 0xDD]
        header += Array("name.csv".utf8) + [0]
        header += Array("a comment".utf8) + [0]
        var crc = CRC32()
        header.withUnsafeBufferPointer { crc.update($0) }
        let crc16 = UInt16(truncatingIfNeeded: crc.value) ^ (corruptCRC ? 1 : 0)
        return header + [UInt8(crc16 & 0xFF), UInt8(crc16 >> 8)]
    }

    func parse(_ bytes: [UInt8], pieces: Int) throws -> (parser: GzipHeaderParser, consumed: Int) {
        var parser = GzipHeaderParser()
        var consumed = 0
        var start = 0
        while start < bytes.count && !parser.isComplete {
            let end = Swift.min(bytes.count, start + pieces)
            let slice = Array(bytes[start..<end])
            let used = try slice.withUnsafeBytes { buffer in try parser.feed(buffer) }
            consumed += used
            start = end
        }
        return (parser, consumed)
    }

    /// Fed whole or a byte at a time, the parser stops exactly at the header's end.
    @Test(arguments: [1, 2, 3, 7, 1000])
    func readsEveryOptionalFieldInPiecesOfAnySize(pieces: Int) throws {
        let header = fullHeader()
        let (parser, consumed) = try parse(header + [0x4B, 0x01], pieces: pieces)
        #expect(parser.isComplete)
        #expect(consumed == header.count)
    }

    @Test func aWrongHeaderCRCIsAnError() {
        #expect(throws: GzipFormatError.self) { try parse(fullHeader(corruptCRC: true), pieces: 5) }
    }

    @Test func otherMagicMethodsAndReservedFlagsAreErrors() {
        #expect(throws: GzipFormatError.notGzip) { try parse([0x1F, 0x8C, 8, 0, 0, 0, 0, 0, 0, 3], pieces: 10) }
        #expect(throws: GzipFormatError.self) { try parse([0x1F, 0x8B, 7, 0, 0, 0, 0, 0, 0, 3], pieces: 10) }
        #expect(throws: GzipFormatError.self) { try parse([0x1F, 0x8B, 8, 0x20, 0, 0, 0, 0, 0, 3], pieces: 10) }
    }

    @Test func anIncompleteHeaderAsksForMore() throws {
        let (parser, consumed) = try parse(Array(fullHeader().prefix(15)), pieces: 4)
        #expect(!parser.isComplete)
        #expect(consumed == 15)
    }
}
