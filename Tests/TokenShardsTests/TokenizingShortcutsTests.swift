import CorpusReader
import CorpusTestSupport
import Foundation
import Testing
import Tokenization

@testable import TokenShards

/// The two shortcuts of the tokenizing pass — the tokenizer's plain-text fast path and numbering
/// against the numbering's snapshots — must not change a single id, count or number: the same
/// corpus through all four combinations gives identical sequences, statistics and vocabulary.
@Suite struct TokenizingShortcutsTests {
    struct Outcome: Equatable {
        var ids: [Int32] = []
        var ends: [Int] = []
        var statistics = EncodingStatistics()
        var counts: [String: Int] = [:]
        var finalIDs: [Int32] = []
        var issued = 0
        var prunedDistinctTokens = 0
        var prunedOccurrences = 0
        var chunksWithSnapshots = 0
    }

    /// Tokenizes the chunks as `tokenize` does, with `lag` chunks tokenized ahead of the one being
    /// absorbed (as the ordered concurrent map does), so later chunks meet snapshots that are a
    /// little old — and, with a small `maxDistinctTokens`, from before a prune.
    static func run(
        _ chunks: [RecordChunk], configuration: TokenizerConfiguration, maxDistinctTokens: Int?,
        plainTextFastPath: Bool, sharesNumbering: Bool, lag: Int
    ) throws -> Outcome {
        let tokenizer = try ChunkTokenizer(
            configuration: configuration, options: EncodingOptions(maxLength: 15), workers: 2,
            plainTextFastPath: plainTextFastPath, sharesNumbering: sharesNumbering)
        var numbering = ProvisionalNumbering(maxDistinctTokens: maxDistinctTokens)
        var outcome = Outcome()
        var pending: [LocallyNumberedChunk] = []
        var next = 0
        while next < chunks.count || !pending.isEmpty {
            while pending.count <= lag && next < chunks.count {
                pending.append(try tokenizer.tokenize(chunks[next]))
                next += 1
            }
            var chunk = pending.removeFirst()
            if chunk.snapshot != nil { outcome.chunksWithSnapshots += 1 }
            numbering.absorb(&chunk)
            let offset = outcome.ids.count
            outcome.ids += chunk.ids
            outcome.ends += chunk.ends.map { $0 + offset }
            outcome.statistics.add(chunk.statistics)
        }
        let counter = numbering.counter()
        for (token, count) in counter.sortedEntries { outcome.counts[token] = count }
        let vocabulary = try Vocabulary(counter: counter, configuration: configuration, maxSize: 500)
        outcome.finalIDs = numbering.finalIDs(for: vocabulary)
        outcome.issued = numbering.issued
        outcome.prunedDistinctTokens = numbering.prunedDistinctTokens
        outcome.prunedOccurrences = numbering.prunedOccurrences
        return outcome
    }

    /// Sentences of the repository's web corpus (typographic quotes included), plus lines that
    /// must go through ICU (accents, CJK, emoji) and the classes' corner cases.
    static func corpusChunks() async throws -> [RecordChunk] {
        var lines = [
            "Café naïve résumé — “quoted” ‘single’", "日本語のテキスト 🙂 ok",
            "a_1 1__ __ _ a.b.c 1,000.50 U.S. e-mail me@x.org",
            "Don’t STOP: it’s 3:30; I'm OK", "tab\there\u{0B}vt\u{0C}ff\r\nnext"
        ]
        for index in 0..<3000 { lines.append("rare\(index) word\(index % 97) common The END") }
        let directory = try TemporaryDirectory()
        let extra = try directory.write("extra.txt", lines.joined(separator: "\n") + "\n")
        let web = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let chunks = try await readAll([web, extra]) { $0.chunkBytes = 4096 }.chunks
        // The first 1,000 sentences or so of the web corpus, then the extra lines.
        return Array(chunks.prefix(60)) + chunks.filter { $0.member?.input == extra }
    }

    @Test(arguments: [nil, 1000] as [Int?])
    func shortcutsChangeNothing(maxDistinctTokens: Int?) async throws {
        let chunks = try await Self.corpusChunks()
        #expect(chunks.count > 50)
        for configuration in [
            TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: ""),
            TokenizerConfiguration(level: .word, keepsPunctuation: false)
        ] {
            let reference = try Self.run(
                chunks, configuration: configuration, maxDistinctTokens: maxDistinctTokens,
                plainTextFastPath: false, sharesNumbering: false, lag: 0)
            #expect(reference.chunksWithSnapshots == 0)
            if maxDistinctTokens != nil { #expect(reference.prunedDistinctTokens > 0) }
            for (fast, shares, lag) in [
                (true, false, 0), (false, true, 2), (true, true, 0), (true, true, 1), (true, true, 3)
            ] {
                var outcome = try Self.run(
                    chunks, configuration: configuration, maxDistinctTokens: maxDistinctTokens,
                    plainTextFastPath: fast, sharesNumbering: shares, lag: lag)
                if shares { #expect(outcome.chunksWithSnapshots > chunks.count / 2) }
                outcome.chunksWithSnapshots = 0
                #expect(outcome == reference, "fast path \(fast), snapshots \(shares), lag \(lag)")
            }
        }
    }
}
