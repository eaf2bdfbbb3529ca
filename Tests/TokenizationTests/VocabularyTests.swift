import Support
import Testing

@testable import Tokenization

@Suite struct VocabularyTests {
    let configuration = TokenizerConfiguration(level: .whitespace)
    let tokenizer = try! TokenizerConfiguration(level: .whitespace).makeTokenizer()

    private func counter(_ records: [String]) throws -> TokenCounter {
        var counter = TokenCounter()
        for record in records { try counter.addTokens(of: record, using: tokenizer) }
        return counter
    }

    let records = [
        "the cat sat on the mat", "the dog sat", "a cat and a dog", "the <unk> company said N shares",
        "zebra é ä 😀 \u{FF21}"
    ]

    @Test func specialsComeFirstThenCountThenCodePointOrder() throws {
        let vocabulary = try Vocabulary(counter: counter(records), configuration: configuration)
        #expect(Array(vocabulary.tokens.prefix(4)) == ["<pad>", "<unk>", "<bos>", "<eos>"])
        #expect(vocabulary.counts[1] == 1)  // the literal "<unk>" in the corpus
        #expect(
            Array(vocabulary.tokens[4...]) == [
                "the", "a", "cat", "dog", "sat", "N", "and", "company", "mat", "on", "said",
                "shares", "zebra", "ä", "é", "\u{FF21}", "😀"
            ])
        #expect(vocabulary.id(for: "the") == 4)
        #expect(vocabulary.id(for: "<unk>") == SpecialToken.unknown.id)
        #expect(vocabulary.id(for: "never-seen") == SpecialToken.unknown.id)
    }

    @Test func sameCountsInAnyOrderOrMergeGiveTheSameVocabulary() throws {
        let reference = try Vocabulary(counter: counter(records), configuration: configuration)
        var merged = try counter(Array(records.reversed().prefix(2)))
        merged.merge(try counter(Array(records.reversed().dropFirst(2))))
        let fromMerge = try Vocabulary(counter: merged, configuration: configuration)
        var shuffled = TokenCounter()
        for record in records.reversed() {
            for token in record.split(separator: " ").reversed() { shuffled.add(String(token)) }
        }
        let fromShuffle = try Vocabulary(counter: shuffled, configuration: configuration)
        #expect(fromMerge.tokens == reference.tokens)
        #expect(fromShuffle.tokens == reference.tokens)
        #expect(fromMerge.hash == reference.hash)
        #expect(fromShuffle.hash == reference.hash)
        #expect(reference.hash.hasPrefix("sha256:") && reference.hash.count == 7 + 64)
    }

    @Test func maxSizeCountsTheSpecialTokens() throws {
        let vocabulary = try Vocabulary(counter: counter(records), configuration: configuration, maxSize: 7)
        #expect(vocabulary.count == 7)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "<bos>", "<eos>", "the", "a", "cat"])
        let specialsOnly = try Vocabulary(counter: counter(records), configuration: configuration, maxSize: 4)
        #expect(specialsOnly.count == 4)
        #expect(throws: TokenizationError.self) {
            try Vocabulary(counter: TokenCounter(), configuration: configuration, maxSize: 3)
        }
    }

    @Test func minCountDropsRareTokens() throws {
        let vocabulary = try Vocabulary(counter: counter(records), configuration: configuration, minCount: 2)
        #expect(Array(vocabulary.tokens[4...]) == ["the", "a", "cat", "dog", "sat"])
        #expect(throws: TokenizationError.self) {
            try Vocabulary(counter: TokenCounter(), configuration: configuration, minCount: 0)
        }
    }

    @Test func encodeDecodeRoundTripAtTheWordLevel() throws {
        let words = TokenizerConfiguration(level: .word, lowercaseLocale: "en")
        let tokenizer = try words.makeTokenizer()
        var counter = TokenCounter()
        try counter.addTokens(of: "The cat sat on the mat. The dog didn't.", using: tokenizer)
        let vocabulary = try Vocabulary(counter: counter, configuration: words)
        let ids = try vocabulary.encode("the dog sat on the cat.", using: tokenizer, addingBeginAndEnd: true)
        #expect(ids.first == SpecialToken.begin.id && ids.last == SpecialToken.end.id)
        #expect(vocabulary.decode(ids) == "the dog sat on the cat .")
        #expect(vocabulary.decode(ids, skippingSpecialTokens: false) == "<bos> the dog sat on the cat . <eos>")
        let unknown = try vocabulary.encode("the zebra didn't", using: tokenizer)
        #expect(unknown[1] == SpecialToken.unknown.id)
        #expect(vocabulary.decode(unknown) == "the <unk> didn't")
        #expect(vocabulary.decode([999]) == "<unk>")
    }

    @Test func characterLevelDecodesByConcatenation() throws {
        let characters = TokenizerConfiguration(level: .character)
        let tokenizer = try characters.makeTokenizer()
        let text = "Héllo, 👩‍👩‍👧!"
        var counter = TokenCounter()
        try counter.addTokens(of: text, using: tokenizer)
        let vocabulary = try Vocabulary(counter: counter, configuration: characters)
        let ids = try vocabulary.encode(text, using: tokenizer)
        #expect(ids.count == 9)
        #expect(vocabulary.decode(ids) == text)
    }

    @Test func idLookupFromUTF16Slices() throws {
        let vocabulary = try Vocabulary(counter: counter(records), configuration: configuration)
        var ids: [Int32] = []
        try Array("the zebra 😀".utf8).withUnsafeBufferPointer { utf8 in
            try tokenizer.forEachToken(utf8: utf8) { ids.append(vocabulary.id(for: $0)) }
        }
        #expect(ids == [vocabulary.id(for: "the"), vocabulary.id(for: "zebra"), vocabulary.id(for: "😀")])
        #expect(!ids.contains(SpecialToken.unknown.id))
        #expect(vocabulary.token(for: ids[2]) == "😀")
        #expect(vocabulary.token(for: -1) == nil)
    }
}
