import Testing

@_spi(Testing) @testable import Tokenization

@Suite struct TokenizerTests {
    @Test func forEachTokenYieldsSlicesOfTheNormalizedRecord() throws {
        let tokenizer = try TokenizerConfiguration(level: .word, lowercaseLocale: "en").makeTokenizer()
        var tokens: [String] = []
        try Array("Hello, World".utf8).withUnsafeBufferPointer { utf8 in
            try tokenizer.forEachToken(utf8: utf8) { tokens.append(String(decoding: $0, as: UTF16.self)) }
        }
        #expect(tokens == ["hello", ",", "world"])
    }

    @Test func appendTokenIDsMatchesForEachTokenAtEveryLevel() throws {
        let text = "Hello, wörld! e\u{301} 👩‍👩‍👧 <unk> İSTANBUL. Second sentence here."
        for level in TokenizationLevel.allCases {
            let tokenizer = try TokenizerConfiguration(level: level, normalization: .nfkc, lowercaseLocale: "")
                .makeTokenizer()
            var expected: [Int32] = [7]
            var actual: [Int32] = [7]
            try Array(text.utf8).withUnsafeBufferPointer { utf8 in
                try tokenizer.forEachToken(utf8: utf8) { expected.append(Int32($0.count)) }
                try tokenizer.appendTokenIDs(utf8: utf8, to: &actual) { Int32($0.count) }
            }
            #expect(actual == expected, "\(level)")
        }
    }

    /// The spans lent at once are the tokens `forEachToken` hands out one by one, whichever path
    /// makes them: plain text scanned or looped (punctuation kept or not), ICU, every level.
    @Test func withTokenSpansMatchesForEachToken() throws {
        let records = [
            "Hello, wörld! It's 1,000.50 dollars.", "e\u{301} 👩‍👩‍👧 <unk> İSTANBUL. Second sentence here.",
            "", "   ", "a_b c.d 3;4 -- « quoted » ÉCOLE·LÀ", String(repeating: "word, ", count: 40),
        ]
        var configurations = TokenizationLevel.allCases.map {
            TokenizerConfiguration(level: $0, normalization: .nfkc, lowercaseLocale: "")
        }
        configurations += [
            TokenizerConfiguration(level: .word, lowercaseLocale: "en"),
            TokenizerConfiguration(level: .word, keepsPunctuation: false),
        ]
        for configuration in configurations {
            for fastPath in [true, false] {
                let tokenizer = try Tokenizer(configuration: configuration, plainTextFastPath: fastPath)
                for record in records {
                    var expected: [String] = []
                    var actual: [String] = []
                    try Array(record.utf8).withUnsafeBufferPointer { utf8 in
                        try tokenizer.forEachToken(utf8: utf8) { expected.append(String(decoding: $0, as: UTF16.self)) }
                        try tokenizer.withTokenSpans(utf8: utf8) { tokens in
                            for index in 0..<tokens.count {
                                actual.append(String(decoding: tokens[index], as: UTF16.self))
                            }
                        }
                    }
                    #expect(actual == expected, "\(configuration.level) fast path \(fastPath): \(record)")
                }
            }
        }
    }

    @Test func utf16InputIsTokenizedWithoutBeingModified() throws {
        let tokenizer = try TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "en")
            .makeTokenizer()
        let input = Array("CAFE\u{301} Ok".utf16)
        var tokens: [String] = []
        try input.withUnsafeBufferPointer { utf16 in
            try tokenizer.forEachToken(utf16: utf16) { tokens.append(String(decoding: $0, as: UTF16.self)) }
        }
        #expect(tokens == ["caf\u{E9}", "ok"])
        #expect(input == Array("CAFE\u{301} Ok".utf16))
    }

    @Test func illFormedUTF8BecomesReplacementCharacters() throws {
        let tokenizer = try TokenizerConfiguration(level: .whitespace).makeTokenizer()
        var tokens: [String] = []
        try [0x61, 0xC3, 0x20, 0x62].withUnsafeBufferPointer { (utf8: UnsafeBufferPointer<UInt8>) in
            try tokenizer.forEachToken(utf8: utf8) { tokens.append(String(decoding: $0, as: UTF16.self)) }
        }
        #expect(tokens == ["a\u{FFFD}", "b"])
    }

    @Test func reusingOneTokenizerAcrossRecordsOfGrowingLength() throws {
        let tokenizer = try TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "en")
            .makeTokenizer()
        for length in [1, 10, 1_000, 10_000, 3] {
            let text = Array(repeating: "Word", count: length).joined(separator: " ")
            #expect(try tokenizer.tokens(of: text) == Array(repeating: "word", count: length))
        }
    }

    @Test func realWebSentences() throws {
        let lines = try TestSupport.gzippedLines("web_sentences.txt.gz", count: 200)
        try #require(lines.count == 200)
        let words = try TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "en")
            .makeTokenizer()
        let whitespace = try TokenizerConfiguration(level: .whitespace).makeTokenizer()
        let characters = try TokenizerConfiguration(level: .character).makeTokenizer()
        var wordCount = 0
        for line in lines {
            let tokens = try words.tokens(of: line)
            wordCount += tokens.count
            #expect(tokens.allSatisfy { !$0.isEmpty && !$0.contains(" ") })
            #expect(try characters.tokens(of: line).joined() == line)
            #expect(try whitespace.tokens(of: line) == line.split(whereSeparator: \.isWhitespace).map(String.init))
        }
        #expect(wordCount == 3_904)
        #expect(
            try words.tokens(of: lines[3]) == [
                "god", "said", ",", "“", "let", "there", "be", "light", ",", "”",
                "and", "there", "was", "light", "."
            ])
        #expect(try words.tokens(of: lines[2]).contains("god’s"))
    }

    @Test func convenienceNormalizeShowsTheTextBeforeSplitting() throws {
        let tokenizer = try TokenizerConfiguration(level: .word, normalization: .nfkc, lowercaseLocale: "tr")
            .makeTokenizer()
        #expect(try tokenizer.normalize("ＩＳＴＡＮＢＵＬ") == "ıstanbul")
    }

    @Test func decodingSeparatorDependsOnLevel() {
        #expect(TokenizationLevel.character.decodingSeparator == "")
        #expect(TokenizationLevel.word.decodingSeparator == " ")
        #expect(TokenizationLevel.whitespace.decodingSeparator == " ")
    }
}
