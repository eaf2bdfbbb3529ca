import Foundation
import FuzzDriver
import Tokenization

// The whole input is a vocabulary file, as `Vocabulary.load(from:)` reads it; a vocabulary that
// loads is then used the way tokenize and train use it.
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let vocabulary = try Vocabulary(jsonData: bytes, source: "fuzz.json")
        _ = vocabulary.jsonText()
        _ = try? vocabulary.huggingFaceTokenizerJSON()
        let tokenizer = try vocabulary.makeTokenizer()
        let ids = try vocabulary.encode(
            "The cat sat, on the mat. Ünïcödé 東京 a-b", using: tokenizer, addingBeginAndEnd: true)
        _ = vocabulary.decode(ids)
        for token in vocabulary.tokens.prefix(64) { _ = vocabulary.id(for: token) }
    } catch {
        _ = "\(error)"
    }
    return 0
}

runFuzzer(fuzz)
