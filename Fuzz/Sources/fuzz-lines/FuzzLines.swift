import CorpusReader
import Foundation
import FuzzDriver

// Byte 0 picks the record limit and UTF-8 policy, byte 1 the piece size (lines straddle pieces
// as they straddle decompressed chunks); the rest is the member.
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let flags = data[0]
    var options = ReaderOptions()
    options.maxRecordBytes = [16, 17, 64, 1 << 20][Int(flags & 3)]
    options.invalidUTF8 = flags & 4 != 0 ? .skip : .replace
    let format: RecordFormat = flags & 8 != 0 ? .text : .lines
    let pieceBytes = data[1] == 0 ? 1 << 18 : Int(data[1])
    let body = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    do {
        let chunk = try CorpusReader.parse(body, format: format, options: options, pieceBytes: pieceBytes)
        var total = 0
        for index in 0..<chunk.count {
            let range = chunk.range(of: index)
            // The record limit is a promise: no record the splitter hands out is longer.
            if format == .lines && range.count > options.maxRecordBytes
                && chunk.issues.allSatisfy({ $0.reason != .invalidUTF8Repaired })
            {
                fatalError("a \(range.count)-byte line passed the \(options.maxRecordBytes)-byte limit")
            }
            total += chunk.text(index).utf8.count
        }
        for issue in chunk.issues { _ = issue.description }
        _ = total
    } catch {
        _ = error.localizedDescription
    }
    return 0
}

runFuzzer(fuzz)
