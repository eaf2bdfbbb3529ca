import Embeddings
import Foundation
import FuzzDriver
import Tokenization

// A small vocabulary whose tokens appear in the seeds.
let vocabulary: Vocabulary = {
    var counter = TokenCounter()
    for (token, count) in [
        ("the", 9), (",", 8), (".", 7), ("of", 6), ("New York", 5), ("café", 4), ("apple", 3), ("x", 2)
    ] {
        counter.add(token, count: count)
    }
    return try! Vocabulary(counter: counter, configuration: TokenizerConfiguration(level: .word))
}()

// Byte 0 picks the options, byte 1 the piece size (records straddle pieces as they straddle
// decompressed chunks); the rest is the vectors file (`count dim` header, text or binary rows).
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let flags = data[0]
    var options = EmbeddingOptions()
    options.format = [EmbeddingFormat.auto, .word2vecText, .word2vecBinary, .auto][Int(flags & 3)]
    options.caseInsensitive = flags & 4 != 0
    options.oovPolicy = [OOVPolicy.random, .zero, .unk, .random][Int((flags >> 3) & 3)]
    options.maxLineBytes = flags & 0x20 != 0 ? 1024 : 16 << 20
    options.strict = flags & 0x40 != 0
    options.maxDimension = flags & 0x80 != 0 ? 64 : 10_000
    options.maxMatrixBytes = 1 << 28
    let pieceBytes = data[1] == 0 ? 512 << 10 : Int(data[1])
    do {
        let matrix = try EmbeddingLoader(vocabulary: vocabulary, options: options)
            .load(bytes: UnsafeRawBufferPointer(start: data + 2, count: size - 2), pieceBytes: pieceBytes)
        for id in 0..<vocabulary.count { _ = matrix.row(id).reduce(0, +) }
        _ = matrix.report
    } catch {
        _ = "\(error)"
    }
    return 0
}

runFuzzer(fuzz)
