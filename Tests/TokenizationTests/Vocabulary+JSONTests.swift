import Foundation
import Testing

@testable import Tokenization

@Suite struct VocabularyJSONTests {
    let configuration = TokenizerConfiguration(
        level: .word, normalization: .nfkc, lowercaseLocale: "tr", keepsPunctuation: false,
        breakLocale: "en@ss=standard")

    private func sampleVocabulary() throws -> Vocabulary {
        let tokenizer = try configuration.makeTokenizer()
        var counter = TokenCounter()
        for text in ["İstanbul'da \"kar\" yağıyor.", "Tab\there, new\nline; emoji 😀 ok", "İSTANBUL istanbul"] {
            try counter.addTokens(of: text, using: tokenizer)
        }
        return try Vocabulary(counter: counter, configuration: configuration, maxSize: 50, minCount: 1)
    }

    @Test func saveAndLoadRoundTrip() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vocabulary.json")
        let vocabulary = try sampleVocabulary()
        try vocabulary.save(to: url)
        let loaded = try Vocabulary.load(from: url)
        #expect(loaded.tokens == vocabulary.tokens)
        #expect(loaded.counts == vocabulary.counts)
        #expect(loaded.hash == vocabulary.hash)
        #expect(loaded.configuration == configuration)
        #expect(loaded.maxSize == 50 && loaded.minCount == 1)
        #expect(loaded.id(for: "istanbul") == vocabulary.id(for: "istanbul"))
        #expect(loaded.jsonText() == vocabulary.jsonText())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["vocabulary.json"])
    }

    @Test func fileIsReadableWithOneTokenPerLine() throws {
        let text = try sampleVocabulary().jsonText()
        #expect(text.contains("\"lowercaseLocale\": \"tr\""))
        #expect(text.contains("\"normalization\": \"nfkc\""))
        #expect(text.contains("    [\"<pad>\", 0],\n    [\"<unk>\", 0],"))
        #expect(text.contains("[\"istanbul\", 2]"))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["hash"] as? String == (try sampleVocabulary().hash))
    }

    private func expectMalformed(
        _ json: String, mentioning detail: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(sourceLocation: sourceLocation) {
            _ = try Vocabulary(jsonData: Data(json.utf8), source: "/data/vocab.json")
        } throws: { error in
            guard case .malformedVocabulary(let path, let reason) = error as? TokenizationError else { return false }
            return path == "/data/vocab.json" && reason.contains(detail)
                && (error as? TokenizationError)?.localizedDescription.hasPrefix(
                    "The vocabulary file /data/vocab.json is malformed:") == true
        }
    }

    @Test func malformedFilesNameTheFileAndTheProblem() throws {
        let good = try sampleVocabulary().jsonText()
        expectMalformed("not json", mentioning: "not valid JSON")
        expectMalformed(
            good.replacingOccurrences(of: "\"hash\": \"sha256:", with: "\"hash\": \"sha256:0"), mentioning: "hash")
        expectMalformed(
            good.replacingOccurrences(of: "[\"istanbul\", 2]", with: "[\"stanbul\", 2]"),
            mentioning: "changed after saving")
        expectMalformed(
            good.replacingOccurrences(of: "\"level\": \"word\"", with: "\"level\": \"paragraph\""),
            mentioning: "configuration.level")
        expectMalformed(good.replacingOccurrences(of: "\"minCount\": 1,", with: ""), mentioning: "minCount")
        expectMalformed(
            good.replacingOccurrences(of: "[\"istanbul\", 2]", with: "[\"istanbul\", \"3\"]"), mentioning: "tokens")
        expectMalformed(
            good.replacingOccurrences(of: "[\"<pad>\", 0],", with: ""),
            mentioning: "\"count\" says 14 tokens but 13 are listed")
        expectMalformed(
            good.replacingOccurrences(of: "[\"<pad>\", 0],", with: "[\"<PAD>\", 0],"),
            mentioning: "first tokens must be <pad>, <unk>, <bos>, <eos>")
        expectMalformed(
            good.replacingOccurrences(of: "[\"kar\", 1]", with: "[\"new\", 1]"), mentioning: "appears twice")
        expectMalformed(
            good.replacingOccurrences(of: "\"formatVersion\": 1", with: "\"formatVersion\": 2"),
            mentioning: "formatVersion")
    }

    @Test func missingFileIsAFileError() {
        #expect(throws: TokenizationError.self) {
            try Vocabulary.load(from: URL(fileURLWithPath: "/nonexistent/vocab.json"))
        }
    }
}
