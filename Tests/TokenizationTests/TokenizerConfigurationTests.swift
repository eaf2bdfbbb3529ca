import Testing

@testable import Tokenization

@Suite struct TokenizerConfigurationTests {
    @Test func defaultsKeepCaseAndPunctuation() {
        let configuration = TokenizerConfiguration(level: .word)
        #expect(configuration.normalization == .none)
        #expect(configuration.lowercaseLocale == nil)
        #expect(configuration.keepsPunctuation)
        #expect(configuration.breakLocale == "")
    }

    @Test func kerasPresetMatchesKerasDefaults() {
        let keras = TokenizerConfiguration.keras()
        #expect(keras.level == .keras)
        #expect(keras.lowercaseLocale == "")
        #expect(keras.kerasFilters == "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n")
        #expect(TokenizerConfiguration.keras(lowercase: false).lowercaseLocale == nil)
    }

    @Test func validationRejectsUnknownLocales() {
        #expect(throws: TokenizationError.invalidLocale("zz")) {
            try TokenizerConfiguration(level: .word, lowercaseLocale: "zz").validate()
        }
        #expect(throws: Never.self) { try TokenizerConfiguration(level: .word, lowercaseLocale: "tr").validate() }
    }

    @Test func configurationIsSendableAcrossTasks() async throws {
        let configuration = TokenizerConfiguration(level: .word, lowercaseLocale: "en")
        // Each task makes its own tokenizer from the shared value.
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask { try configuration.makeTokenizer().tokens(of: "Hello World") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == [["hello", "world"], ["hello", "world"]])
    }
}
