import Foundation
import Testing

@testable import NeuralCore

@Suite struct NeuralCoreErrorTests {
    @Test func everyErrorIsAFullSentence() {
        let errors: [NeuralCoreError] = [
            .nonFinite(quantity: "loss", step: 3),
            .malformedFile(path: "/x.safetensors", reason: "the header is not a JSON object"),
            .unsupportedDataType(name: "w", dtype: "F16", path: "/x.safetensors"),
            .missingTensors(names: ["a", "b"], path: "/x.safetensors"),
            .unexpectedTensors(names: ["c"], path: "/x.safetensors"),
            .shapeMismatch(name: "w", expected: [2, 3], found: [3, 2], path: "/x.safetensors"),
            .io(path: "/x.safetensors", reason: "no such file")
        ]
        for e in errors {
            let text = e.localizedDescription
            #expect(text.first!.isUppercase && text.hasSuffix("."), "\(text)")
        }
        #expect(
            NeuralCoreError.missingTensors(names: ["a", "b"], path: "/m").localizedDescription
                == "The file /m lacks 2 expected tensors: a, b.")
        #expect(
            NeuralCoreError.shapeMismatch(name: "w", expected: [2, 3], found: [3, 2], path: "/m").localizedDescription
                == "The tensor \"w\" in /m has shape [3, 2], but the model expects [2, 3].")
    }
}
