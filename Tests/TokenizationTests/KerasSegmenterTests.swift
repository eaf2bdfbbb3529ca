import Testing

@testable import Tokenization

/// Expected tokens come from keras' `text_to_word_sequence` (reimplemented in Python:
/// `[w for w in text.lower().translate(str.maketrans({c: " " for c in filters})).split(" ") if w]`).
@Suite struct KerasSegmenterTests {
    let keras = try! TokenizerConfiguration.keras().makeTokenizer()

    @Test func matchesKerasTextToWordSequence() throws {
        #expect(
            try keras.tokens(of: "Hello, World! It's a test-case\twith\r\nstuff (ok).")
                == ["hello", "world", "it's", "a", "test", "case", "with\r", "stuff", "ok"])
        #expect(
            try keras.tokens(of: "E-mail: john.doe@example.com; cost=$1,000.50 [approx]")
                == ["e", "mail", "john", "doe", "example", "com", "cost", "1", "000", "50", "approx"])
        #expect(
            try keras.tokens(of: "ΟΔΟΣ İstanbul  naïve\u{A0}café")
                == ["οδος", "i\u{307}stanbul", "naïve\u{A0}café"])
        #expect(try keras.tokens(of: "don't   stop_me now...~") == ["don't", "stop", "me", "now"])
    }

    @Test func customFiltersIncludingNonASCII() throws {
        let custom = try TokenizerConfiguration.keras(filters: "«»😀", lowercase: false).makeTokenizer()
        #expect(try custom.tokens(of: "«Bonjour»😀Monde, ok") == ["Bonjour", "Monde,", "ok"])
    }
}
