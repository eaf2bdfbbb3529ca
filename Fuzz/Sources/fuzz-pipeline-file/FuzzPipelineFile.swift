import Foundation
import FuzzDriver
import Training

// The input is a pipeline file: `train` reads it as UTF-8 text (invalid UTF-8 is refused
// before parsing), parses it and resolves every default and bound.
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do {
        let file = try PipelineFile.parse(text, file: "/fuzz/pipeline.yaml")
        let resolved = try ResolvedPipeline(file, path: "/fuzz/pipeline.yaml")
        _ = resolved.model.configuration(
            vocabularySize: 100, embeddingDimension: resolved.model.embedding ?? 8, freeze: false)
    } catch {
        _ = "\(error)"
    }
    return 0
}

runFuzzer(fuzz)
