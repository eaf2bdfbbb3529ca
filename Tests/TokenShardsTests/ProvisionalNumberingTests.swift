import CorpusTestSupport
import Foundation
import Support
import Testing
import Tokenization

@testable import TokenShards

@Suite struct ProvisionalNumberingTests {
    func chunks(_ lines: [String]) async throws -> [LocallyNumberedChunk] {
        let directory = try TemporaryDirectory()
        let path = try directory.write("r.txt", lines.joined(separator: "\n") + "\n")
        let tokenizer = try ChunkTokenizer(
            configuration: TokenizerConfiguration(level: .whitespace), options: EncodingOptions(), workers: 1)
        return try await readAll([path]) { $0.chunkBytes = 4096 }.chunks.map { try tokenizer.tokenize($0) }
    }

    @Test func numbersFollowFirstAppearanceAcrossChunks() async throws {
        let lines = (0..<2000).map { "w\($0 % 50) shared w\(($0 * 7) % 50)" }
        var numbering = ProvisionalNumbering(maxDistinctTokens: nil)
        var all: [Int32] = []
        let tokenized = try await chunks(lines)
        #expect(tokenized.count > 3)
        for var chunk in tokenized {
            numbering.absorb(&chunk)
            all += chunk.ids
        }
        #expect(numbering.distinctTokens == 51)
        #expect(numbering.totalOccurrences == 6000)
        #expect(Array(all.prefix(6)) == [0, 1, 0, 2, 1, 3])  // w0 shared w0 w1 shared w7
        let vocabulary = try Vocabulary(
            counter: numbering.counter(), configuration: TokenizerConfiguration(level: .whitespace))
        let map = numbering.finalIDs(for: vocabulary)
        #expect(vocabulary.token(for: map[1]) == "shared")
        #expect(vocabulary.token(for: map[0]) == "w0")
    }

    @Test func pruningKeepsTheFrequentAndMapsTheRestToUnknown() async throws {
        // "common" everywhere; 3000 distinct rare words, one each.
        let lines = (0..<3000).map { "common rare\($0)" }
        var numbering = ProvisionalNumbering(maxDistinctTokens: 1000)
        for var chunk in try await chunks(lines) { numbering.absorb(&chunk) }
        #expect(numbering.distinctTokens <= 1000)
        #expect(numbering.prunedDistinctTokens > 0)
        #expect(numbering.issued == 3001)
        let vocabulary = try Vocabulary(
            counter: numbering.counter(), configuration: TokenizerConfiguration(level: .whitespace), maxSize: 10)
        let map = numbering.finalIDs(for: vocabulary)
        #expect(vocabulary.token(for: map[0]) == "common")
        // The first prune (at 1,001 distinct) kept "common" and the 749 earliest rare words, so
        // rare749 (number 750) was forgotten and is <unk> whatever the vocabulary size.
        #expect(map[750] == SpecialToken.unknown.id)
        #expect(vocabulary.token(for: map[1]) == "rare0")
    }
}
