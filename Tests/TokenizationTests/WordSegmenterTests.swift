import Testing

@testable import Tokenization

/// Golden tokens for the word level (ICU word break as of the linked ICU; pinned here so an ICU
/// upgrade that changes them is noticed).
@Suite struct WordSegmenterTests {
    let words = try! TokenizerConfiguration(level: .word).makeTokenizer()
    let wordsWithoutPunctuation = try! TokenizerConfiguration(level: .word, keepsPunctuation: false).makeTokenizer()

    @Test func englishSentences() throws {
        #expect(
            try words.tokens(of: "The quick brown fox jumps over the lazy dog.")
                == ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "."])
        #expect(try words.tokens(of: "Hello  world.\nNew line") == ["Hello", "world", ".", "New", "line"])
        #expect(
            try words.tokens(of: "The U.S. economy grew 3.5% in 2023 -- wow!")
                == ["The", "U.S", ".", "economy", "grew", "3.5", "%", "in", "2023", "-", "-", "wow", "!"])
    }

    @Test func contractionsStayWhole() throws {
        #expect(
            try words.tokens(of: "Don't panic! It's fine, isn't it?")
                == ["Don't", "panic", "!", "It's", "fine", ",", "isn't", "it", "?"])
        // A typographic apostrophe behaves the same.
        #expect(try words.tokens(of: "don’t") == ["don’t"])
    }

    @Test func numbersWithSeparators() throws {
        #expect(
            try words.tokens(of: "It costs 1,000.50 dollars, or 1.000,50 euros.")
                == ["It", "costs", "1,000.50", "dollars", ",", "or", "1.000,50", "euros", "."])
    }

    @Test func urlsAndEmailAddresses() throws {
        #expect(
            try words.tokens(of: "Visit https://www.example.com/path?q=1 or mail me@example.org.")
                == [
                    "Visit", "https", ":", "/", "/", "www.example.com", "/", "path", "?", "q", "=", "1",
                    "or", "mail", "me@example.org", "."
                ])
    }

    @Test func emojiAreSymbolTokens() throws {
        let text = "I ❤️ 👩‍👩‍👧 and 🇯🇵 ok..."
        #expect(
            try words.tokens(of: text) == ["I", "❤️", "👩‍👩‍👧", "and", "🇯🇵", "ok", ".", ".", "."])
        #expect(try wordsWithoutPunctuation.tokens(of: text) == ["I", "and", "ok"])
    }

    @Test func punctuationCanBeDropped() throws {
        #expect(
            try wordsWithoutPunctuation.tokens(of: "Don't panic! It's 1,000.50 dollars, isn't it?")
                == ["Don't", "panic", "It's", "1,000.50", "dollars", "isn't", "it"])
    }

    @Test func japaneseUsesDictionarySegmentation() throws {
        let tokens = try words.tokens(of: "日本語のテキストを分割します。")
        #expect(tokens == ["日本語", "の", "テキスト", "を", "分割", "し", "ます", "。"])
        #expect(try wordsWithoutPunctuation.tokens(of: "日本語のテキストを分割します。").count == 7)
    }

    @Test func thaiUsesDictionarySegmentation() throws {
        #expect(
            try words.tokens(of: "ภาษาไทยง่ายนิดเดียว")
                == ["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"])
    }

    @Test func combiningMarksStayInsideWords() throws {
        #expect(try words.tokens(of: "cafe\u{301} naïve") == ["cafe\u{301}", "naïve"])
        let nfc = try TokenizerConfiguration(level: .word, normalization: .nfc).makeTokenizer()
        #expect(try nfc.tokens(of: "cafe\u{301}").map { $0.unicodeScalars.count } == [4])
    }

    @Test func whitespaceIsNeverAToken() throws {
        #expect(try words.tokens(of: " \t\n\u{3000}\u{A0} ").isEmpty)
        #expect(try words.tokens(of: "").isEmpty)
    }

    @Test func lowercasingAppliesBeforeSplitting() throws {
        let lower = try TokenizerConfiguration(level: .word, lowercaseLocale: "tr").makeTokenizer()
        #expect(try lower.tokens(of: "İSTANBUL ve DİYARBAKIR") == ["istanbul", "ve", "diyarbakır"])
    }
}
