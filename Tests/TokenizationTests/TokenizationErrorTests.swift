import Foundation
import Testing

@testable import Tokenization

@Suite struct TokenizationErrorTests {
    @Test func messagesAreFullSentencesWithTheDetails() {
        let cases: [(TokenizationError, String)] = [
            (.invalidLocale("xx"), "\"xx\""),
            (.icuFailure(operation: "ubrk_open", statusName: "U_MISSING_RESOURCE_ERROR"), "U_MISSING_RESOURCE_ERROR"),
            (.invalidConfiguration("maxSize is 2"), "maxSize is 2"),
            (.recordTooLong(utf8Count: 3_000_000_000), "3000000000"),
            (.malformedVocabulary(path: "/tmp/v.json", reason: "the \"tokens\" array is missing"), "/tmp/v.json"),
            (.fileOperationFailed(path: "/x/y", operation: "read", reason: "No such file or directory"), "/x/y"),
            (.unsupportedExport("no sentence pre-tokenizer"), "tokenizer.json")
        ]
        for (error, detail) in cases {
            let message = error.localizedDescription
            #expect(message.contains(detail), "\(message)")
            #expect(message.first?.isUppercase == true, "\(message)")
            #expect(message.hasSuffix("."), "\(message)")
        }
    }

    @Test func invalidLocaleIsReportedWhenMakingATokenizer() {
        #expect(throws: TokenizationError.invalidLocale("klingon")) {
            _ = try TokenizerConfiguration(level: .word, lowercaseLocale: "klingon").makeTokenizer()
        }
        #expect(throws: TokenizationError.invalidLocale("xx")) {
            _ = try TokenizerConfiguration(level: .word, breakLocale: "xx").makeTokenizer()
        }
    }
}
