import CorpusReader
import Foundation
import FuzzDriver

// Byte 0 picks the options, byte 1 the piece size (so rows straddle pieces as they straddle
// decompressed chunks); the rest is the CSV member.
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let flags = data[0]
    var options = ReaderOptions()
    options.delimiter = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: " ")][Int(flags & 3)]
    options.hasHeader = flags & 4 != 0
    switch (flags >> 3) & 3 {
    case 0: options.columns = []
    case 1: options.columns = [.index(0)]
    case 2: options.columns = [.index(2), .index(0)]
    default: options.columns = options.hasHeader ? [.name("text"), .index(1)] : [.index(1)]
    }
    options.maxRecordBytes = [16, 64, 4096, 1 << 20][Int((flags >> 5) & 3)]
    options.invalidUTF8 = flags & 0x80 != 0 ? .skip : .replace
    let pieceBytes = data[1] == 0 ? 1 << 18 : Int(data[1])
    let body = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    do {
        let chunk = try CorpusReader.parse(body, format: .csv, options: options, pieceBytes: pieceBytes)
        for index in 0..<chunk.count { _ = chunk.text(index); _ = chunk.location(index) }
        for issue in chunk.issues { _ = issue.description }
    } catch {
        _ = error.localizedDescription
    }
    return 0
}

runFuzzer(fuzz)
