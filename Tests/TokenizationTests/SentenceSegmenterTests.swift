import Testing

@testable import Tokenization

@Suite struct SentenceSegmenterTests {
    let text = "Mr. Smith went to Washington. He said hi! Did he? Yes.\n\nNew paragraph without a stop"

    @Test func sentenceLevelYieldsTrimmedSentences() throws {
        let sentences = try TokenizerConfiguration(level: .sentence).makeTokenizer()
        #expect(
            try sentences.tokens(of: text)
                == [
                    "Mr.", "Smith went to Washington.", "He said hi!", "Did he?", "Yes.", "New paragraph without a stop"
                ])
    }

    @Test func lowercasingDoesNotHideSentenceStarts() throws {
        let sentences = try TokenizerConfiguration(level: .sentence, lowercaseLocale: "en").makeTokenizer()
        #expect(try sentences.tokens(of: "He went to Washington. He left.") == ["he went to washington.", "he left."])
    }

    @Test func suppressionsLocaleKeepsAbbreviations() throws {
        // ICU's "ss=standard" keyword turns on its abbreviation list for the locale.
        let sentences = try TokenizerConfiguration(level: .sentence, breakLocale: "en@ss=standard").makeTokenizer()
        #expect(
            try sentences.tokens(of: "Mr. Smith went to Washington. He left.") == [
                "Mr. Smith went to Washington.", "He left."
            ])
    }

    @Test func wordsCanBeGroupedBySentence() throws {
        let words = try TokenizerConfiguration(level: .word, lowercaseLocale: "en", breakLocale: "en@ss=standard")
            .makeTokenizer()
        #expect(
            try words.sentences(of: text) == [
                ["mr", ".", "smith", "went", "to", "washington", "."],
                ["he", "said", "hi", "!"],
                ["did", "he", "?"],
                ["yes", "."],
                ["new", "paragraph", "without", "a", "stop"]
            ])
    }

    @Test func sentenceIndicesCountEmptySentences() throws {
        let words = try TokenizerConfiguration(level: .word, keepsPunctuation: false).makeTokenizer()
        var pairs: [(String, Int)] = []
        let count = try Array("One.\n!!!\nTwo.".utf8).withUnsafeBufferPointer { utf8 in
            try words.forEachTokenBySentence(utf8: utf8) { token, sentence in
                pairs.append((String(decoding: token, as: UTF16.self), sentence))
            }
        }
        #expect(count == 3)
        #expect(pairs.map(\.0) == ["One", "Two"])
        #expect(pairs.map(\.1) == [0, 2])
    }
}
