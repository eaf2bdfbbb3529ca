import Foundation
import Tokenization

// The whole input is a vocabulary file, as `Vocabulary.load(from:)` reads it; a vocabulary that
// loads is then used the way tokenize and train use it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let vocabulary = try Vocabulary(jsonData: bytes, source: "fuzz.json")
        _ = vocabulary.jsonText()
        _ = try? vocabulary.huggingFaceTokenizerJSON()
        let tokenizer = try vocabulary.makeTokenizer()
        let ids = try vocabulary.encode("The cat sat, on the mat. Ünïcödé 東京 a-b", using: tokenizer, addingBeginAndEnd: true)
        _ = vocabulary.decode(ids)
        for token in vocabulary.tokens.prefix(64) { _ = vocabulary.id(for: token) }
    } catch {
        _ = "\(error)"
    }
    return 0
}

// SwiftPM links its own `main` into an executable, which would shadow libFuzzer's; so the
// target starts libFuzzer's driver itself.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argumentCount = CommandLine.argc
var argumentValues = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argumentCount, &argumentValues) { data, size in
    var empty: UInt8 = 0
    return size == 0 ? fuzz(&empty, 0) : fuzz(data!, size)
})
