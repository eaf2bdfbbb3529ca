import Testing

@testable import Tokenization

@Suite struct NormalizerTests {
    private func normalize(_ text: String, _ normalization: Normalization, lowercase locale: String? = nil) throws
        -> String
    {
        try TokenizerConfiguration(level: .whitespace, normalization: normalization, lowercaseLocale: locale)
            .makeTokenizer().normalize(text)
    }

    @Test func nfcComposesCombiningMarks() throws {
        #expect(try normalize("e\u{301}", .nfc).unicodeScalars.map(\.value) == [0xE9])
        #expect(try normalize("e\u{301}", .none).unicodeScalars.map(\.value) == [0x65, 0x301])
        // The quick-check prefix is kept and the rest appended: composition across the seam.
        #expect(try normalize("plain ascii then cafe\u{301}!", .nfc) == "plain ascii then caf\u{E9}!")
    }

    @Test func nfkcFoldsCompatibilityCharacters() throws {
        #expect(try normalize("ﬁne ＡＢＣ x²", .nfkc) == "fine ABC x2")
        #expect(try normalize("ﬁne ＡＢＣ x²", .nfc) == "ﬁne ＡＢＣ x²")
    }

    @Test func nfkcCasefoldFoldsCaseWithoutLocale() throws {
        #expect(try normalize("Straße İSTANBUL", .nfkcCasefold) == "strasse i\u{307}stanbul")
    }

    @Test func turkishLowercasingDependsOnLocale() throws {
        #expect(try normalize("İSTANBUL", .none, lowercase: "tr") == "istanbul")
        #expect(try normalize("İSTANBUL", .none, lowercase: "en") == "i\u{307}stanbul")
        // All-ASCII input must not take the ASCII shortcut in Turkish: "I" → dotless "ı".
        #expect(try normalize("ISPARTA", .none, lowercase: "tr") == "ısparta")
        #expect(try normalize("ISPARTA", .none, lowercase: "en") == "isparta")
        #expect(try normalize("ISPARTA", .none, lowercase: "tr_TR") == "ısparta")
    }

    @Test func rootLowercasingHandlesFinalSigmaLikePython() throws {
        #expect(try normalize("ΟΔΟΣ", .none, lowercase: "") == "οδος")
    }

    @Test func longNormalizationExpansionGrowsBuffers() throws {
        // U+FDFA expands to 18 characters under NFKC.
        let text = String(repeating: "\u{FDFA}", count: 300)
        #expect(try normalize(text, .nfkc).unicodeScalars.count == 18 * 300)
    }
}
