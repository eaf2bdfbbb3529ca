import Testing

@testable import Tokenization

@Suite struct WhitespaceSegmenterTests {
    let whitespace = try! TokenizerConfiguration(level: .whitespace).makeTokenizer()

    @Test func pennTreebankLinesKeepUnkWhole() throws {
        // Lines from the Penn Treebank language-modelling set (ptb.train.txt).
        #expect(
            try whitespace.tokens(of: " the <unk> company said N shares \n")
                == ["the", "<unk>", "company", "said", "N", "shares"])
        #expect(
            try whitespace.tokens(
                of: " pierre <unk> N years old will join the board as a nonexecutive director nov. N ")
                == [
                    "pierre", "<unk>", "N", "years", "old", "will", "join", "the", "board", "as", "a", "nonexecutive",
                    "director", "nov.", "N"
                ])
        #expect(
            try whitespace.tokens(of: " mr. <unk> is chairman of <unk> n.v. the dutch publishing group ")
                == ["mr.", "<unk>", "is", "chairman", "of", "<unk>", "n.v.", "the", "dutch", "publishing", "group"])
    }

    @Test func splitsOnEveryUnicodeWhitespace() throws {
        #expect(
            try whitespace.tokens(of: "a\u{A0}b\u{3000}c\u{2009}d\u{85}e\tf\u{200B}g")
                == ["a", "b", "c", "d", "e", "f\u{200B}g"])  // U+200B ZERO WIDTH SPACE is not White_Space
    }

    @Test func emptyAndBlankInputGiveNoTokens() throws {
        #expect(try whitespace.tokens(of: "").isEmpty)
        #expect(try whitespace.tokens(of: "  \n ").isEmpty)
    }
}
