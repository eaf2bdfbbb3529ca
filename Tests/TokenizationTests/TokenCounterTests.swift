import Testing

@testable import Tokenization

@Suite struct TokenCounterTests {
    let tokenizer = try! TokenizerConfiguration(level: .whitespace).makeTokenizer()

    @Test func countsTokensFromRecords() throws {
        var counter = TokenCounter()
        try counter.addTokens(of: "the cat sat on the mat", using: tokenizer)
        try counter.addTokens(of: "the <unk> company", using: tokenizer)
        #expect(counter.recordCount == 2)
        #expect(counter.totalOccurrences == 9)
        #expect(counter.distinctTokens == 7)
        #expect(counter.count(of: "the") == 3)
        #expect(counter.count(of: "<unk>") == 1)
        #expect(counter.count(of: "dog") == 0)
        #expect(counter.sortedEntries.map(\.token) == ["the", "<unk>", "cat", "company", "mat", "on", "sat"])
    }

    @Test func countsUTF16SlicesWithoutStrings() {
        var counter = TokenCounter()
        let units = Array("abcabc".utf16)
        units.withUnsafeBufferPointer { buffer in
            counter.add(UnsafeBufferPointer(rebasing: buffer[0..<3]))
            counter.add(UnsafeBufferPointer(rebasing: buffer[3..<6]), count: 4)
            #expect(counter.count(of: UnsafeBufferPointer(rebasing: buffer[0..<3])) == 5)
        }
        #expect(counter.count(of: "abc") == 5)
    }

    @Test func mergingEqualsCountingEverythingInOneCounter() throws {
        let records = ["a b c", "b c d", "c d e", "a a a", "e f g h"]
        var single = TokenCounter()
        for record in records { try single.addTokens(of: record, using: tokenizer) }
        var left = TokenCounter(), right = TokenCounter()
        for (index, record) in records.enumerated() {
            if index % 2 == 0 {
                try left.addTokens(of: record, using: tokenizer)
            } else {
                try right.addTokens(of: record, using: tokenizer)
            }
        }
        var merged = right
        merged.merge(left)
        #expect(merged.sortedEntries.map(\.token) == single.sortedEntries.map(\.token))
        #expect(merged.sortedEntries.map(\.count) == single.sortedEntries.map(\.count))
        #expect(merged.totalOccurrences == single.totalOccurrences)
        #expect(merged.recordCount == single.recordCount)
    }

    @Test func smallCapPrunesTheRarestAndReportsIt() throws {
        var counter = TokenCounter(maxDistinctTokens: 8)
        // "x" and "y" are frequent; a stream of one-off tokens forces prunes.
        for number in 0..<100 {
            try counter.addTokens(of: "x x y w\(number)", using: tokenizer)
            #expect(counter.distinctTokens <= 8)
        }
        #expect(counter.pruneCount > 0)
        #expect(counter.prunedDistinctTokens > 80)
        #expect(counter.prunedOccurrences == counter.prunedDistinctTokens)  // every pruned token was seen once
        #expect(counter.count(of: "x") == 200)
        #expect(counter.count(of: "y") == 100)
        #expect(counter.totalOccurrences == 400)
        #expect(counter.pruneTarget == 6)
    }

    @Test func mergeAlsoRespectsTheCap() throws {
        var first = TokenCounter(maxDistinctTokens: 4)
        var second = TokenCounter()
        try first.addTokens(of: "a a a b b c", using: tokenizer)
        try second.addTokens(of: "d e f a", using: tokenizer)
        first.merge(second)
        #expect(first.distinctTokens <= 4)
        #expect(first.count(of: "a") == 4)
        #expect(first.count(of: "b") == 2)
        #expect(first.prunedDistinctTokens == 3)
    }
}
