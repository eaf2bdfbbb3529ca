import Foundation
import Testing

@testable import Tokenization

@Suite struct JSONTextTests {
    @Test func escapesWhatJSONRequiresAndKeepsUnicodeReadable() throws {
        let tricky = "quote\" backslash\\ tab\t nl\n nul\u{0} bell\u{7} é 👩‍👩‍👧 \u{2028}"
        let quoted = JSONText.quoted(tricky)
        #expect(quoted.contains("é 👩‍👩‍👧"))
        #expect(quoted.contains("\\u0000") && quoted.contains("\\u0007") && quoted.contains("\\u2028"))
        let decoded = try JSONDecoder().decode([String].self, from: Data("[\(quoted)]".utf8))
        #expect(decoded == [tricky])
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("out.json")
        try writeAtomically(Data("first".utf8), to: target)
        try writeAtomically(Data("second".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.json"])
    }

    @Test func writeFailureNamesThePath() {
        let target = URL(fileURLWithPath: "/nonexistent-directory-for-tests/out.json")
        #expect {
            try writeAtomically(Data(), to: target)
        } throws: { error in
            (error as? TokenizationError)?.localizedDescription.contains("/nonexistent-directory-for-tests/out.json")
                == true
        }
    }
}
