import AsyncOperators
import CorpusReader
import CorpusTestSupport
import Foundation
import Testing
import Tokenization

@testable import TokenShards

@Suite struct ChunkTokenizerTests {
    let configuration = TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "")

    func records(_ lines: [String]) async throws -> [RecordChunk] {
        let directory = try TemporaryDirectory()
        let path = try directory.write("r.txt", lines.joined(separator: "\n") + "\n")
        return try await readAll([path]).chunks
    }

    func vocabulary(_ lines: [String], maxSize: Int? = nil) async throws -> Vocabulary {
        let directory = try TemporaryDirectory()
        let path = try directory.write("v.txt", lines.joined(separator: "\n") + "\n")
        let reader = try CorpusReader(inputs: [.file(path)], options: ReaderOptions())
        return try await VocabularyPass(configuration: configuration, maxSize: maxSize, workers: 2).run(reader)
            .vocabulary
    }

    func encode(_ lines: [String], vocabulary: Vocabulary, _ options: EncodingOptions) async throws -> (
        sequences: [[String]], statistics: EncodingStatistics
    ) {
        let tokenizer = try ChunkTokenizer(configuration: vocabulary.configuration, options: options, workers: 1)
        var sequences: [[String]] = []
        var statistics = EncodingStatistics()
        for chunk in try await records(lines) {
            let encoded = try tokenizer.tokenize(chunk).encoded(with: vocabulary)
            statistics.add(encoded.statistics)
            for index in 0..<encoded.count {
                sequences.append(encoded.ids[encoded.range(of: index)].map { vocabulary.token(for: $0) ?? "?" })
            }
        }
        return (sequences, statistics)
    }

    @Test func appliesBeginEndTruncationAndUnknowns() async throws {
        let vocabulary = try await vocabulary(["the cat sat on the mat", "the dog sat"], maxSize: 4 + 4)
        // Kept: the (3), sat (2), then cat, dog, mat, on have count 1: "cat" and "dog" win by order.
        #expect(Array(vocabulary.tokens.dropFirst(4)) == ["the", "sat", "cat", "dog"])
        let (sequences, statistics) = try await encode(
            ["The cat sat on the mat.", "", "dog"], vocabulary: vocabulary,
            EncodingOptions(maxLength: 6, overLength: .truncate, addBeginAndEnd: true))
        #expect(sequences == [["<bos>", "the", "cat", "sat", "<unk>", "<eos>"], ["<bos>", "dog", "<eos>"]])
        #expect(statistics.truncated == 1)
        #expect(statistics.unknownTokens == 1)  // "on" only: "the mat ." were cut off
        #expect(statistics.sequences == 2)
        #expect(statistics.tokens == 9)
    }

    @Test func dropsOverLongSequencesWhenAsked() async throws {
        let vocabulary = try await vocabulary(["a b c d e f g"])
        let (sequences, statistics) = try await encode(
            ["a b c", "a b c d e f g", "g"], vocabulary: vocabulary, EncodingOptions(maxLength: 3, overLength: .drop))
        #expect(sequences == [["a", "b", "c"], ["g"]])
        #expect(statistics.droppedTooLong == 1)
    }

    @Test func splitsRecordsIntoSentences() async throws {
        let vocabulary = try await vocabulary(["first one. second one! third?"])
        let (sequences, _) = try await encode(
            ["First one. Second one! Third?"], vocabulary: vocabulary, EncodingOptions(splitSentences: true))
        #expect(sequences == [["first", "one", "."], ["second", "one", "!"], ["third", "?"]])
    }

    @Test func outputIsIdenticalWhateverTheNumberOfWorkers() async throws {
        let path = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        var options = ReaderOptions()
        options.chunkBytes = 65_536
        var results: [[Int32]] = []
        var hashes: [String] = []
        for workers in [1, 2, 4] {
            let reader = try CorpusReader(inputs: [.file(path)], options: options)
            let vocabulary = try await VocabularyPass(
                configuration: configuration, maxSize: 2000, maxDistinctTokens: 5000, workers: workers
            ).run(reader).vocabulary
            hashes.append(vocabulary.hash)
            let tokenizer = try ChunkTokenizer(
                configuration: configuration, options: EncodingOptions(maxLength: 20), workers: workers)
            var ids: [Int32] = []
            let encoded = try CorpusReader(inputs: [.file(path)], options: options).orderedConcurrentMap(
                maxConcurrency: workers
            ) {
                try tokenizer.tokenize($0).encoded(with: vocabulary)
            }
            for try await chunk in encoded {
                ids += chunk.ids
            }
            results.append(ids)
        }
        #expect(Set(hashes).count == 1)
        #expect(results[0].count > 500_000)
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
    }
}
