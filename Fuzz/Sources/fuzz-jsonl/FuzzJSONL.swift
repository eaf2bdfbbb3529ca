import CorpusReader
import Foundation
import FuzzDriver

// Byte 0 picks the fields, record limit and UTF-8 policy, byte 1 the piece size; the rest is
// the JSON Lines member.
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let flags = data[0]
    var options = ReaderOptions()
    options.jsonFields = [["text"], ["text", "title"], ["a", "text", "b"], [""]][Int(flags & 3)]
    options.maxRecordBytes = [16, 64, 4096, 1 << 20][Int((flags >> 2) & 3)]
    options.invalidUTF8 = flags & 0x10 != 0 ? .skip : .replace
    let pieceBytes = data[1] == 0 ? 1 << 18 : Int(data[1])
    let body = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    do {
        let chunk = try CorpusReader.parse(body, format: .jsonl, options: options, pieceBytes: pieceBytes)
        for index in 0..<chunk.count { _ = chunk.text(index) }
        for issue in chunk.issues { _ = issue.description }
    } catch {
        _ = error.localizedDescription
    }
    return 0
}

runFuzzer(fuzz)
