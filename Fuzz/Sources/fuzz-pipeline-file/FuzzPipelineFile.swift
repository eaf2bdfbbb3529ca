import Foundation
import Training

// The input is a pipeline file: `train` reads it as UTF-8 text (invalid UTF-8 is refused
// before parsing), parses it and resolves every default and bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do {
        let file = try PipelineFile.parse(text, file: "/fuzz/pipeline.yaml")
        let resolved = try ResolvedPipeline(file, path: "/fuzz/pipeline.yaml")
        _ = resolved.model.configuration(vocabularySize: 100, embeddingDimension: resolved.model.embedding ?? 8, freeze: false)
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
