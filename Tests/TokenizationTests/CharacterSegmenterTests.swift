import Testing

@testable import Tokenization

@Suite struct CharacterSegmenterTests {
    let characters = try! TokenizerConfiguration(level: .character).makeTokenizer()

    @Test func emojiZWJSequencesAndFlagsAreOneToken() throws {
        #expect(try characters.tokens(of: "👩‍👩‍👧") == ["👩‍👩‍👧"])
        #expect(try characters.tokens(of: "a🇯🇵b") == ["a", "🇯🇵", "b"])
        #expect(try characters.tokens(of: "👍🏽!") == ["👍🏽", "!"])
    }

    @Test func combiningMarksJoinTheirBase() throws {
        let tokens = try characters.tokens(of: "e\u{301}x")
        #expect(tokens.count == 2)
        #expect(tokens[0].unicodeScalars.map(\.value) == [0x65, 0x301])
        let nfc = try TokenizerConfiguration(level: .character, normalization: .nfc).makeTokenizer()
        #expect(try nfc.tokens(of: "e\u{301}").map { $0.unicodeScalars.map(\.value) } == [[0xE9]])
    }

    @Test func spacesAndLineBreaksAreTokens() throws {
        #expect(try characters.tokens(of: "a b\r\nc") == ["a", " ", "b", "\r\n", "c"])
    }

    @Test func concatenationRestoresTheText() throws {
        let text = "Ünïcödé 👩‍👩‍👧 テキスト ภาษาไทย"
        #expect(try characters.tokens(of: text).joined() == text)
    }
}
