import AsyncOperators
import CorpusReader
import Foundation
import Testing
import TokenShards
import Tokenization

@testable import Batching

/// The live corpus and the shards `tokenize` writes from it give the same batches.
@Suite(.serialized) struct LiveSourceTests {
    static let corpus = corporaDirectory.appendingPathComponent("web_sentences.txt.gz")
    static let configuration = TokenizerConfiguration(level: .word, lowercaseLocale: "")
    static let encoding = EncodingOptions(maxLength: 40, overLength: .truncate, addBeginAndEnd: true)

    /// A vocabulary of the corpus (small enough that some tokens are `<unk>`) and its shards,
    /// written as `vae-pipeline tokenize --vocab … --bos-eos --max-length 40` writes them.
    static func prepare() async throws -> (Vocabulary, URL) {
        let reader = try CorpusReader(inputs: [.file(corpus.path)], options: ReaderOptions())
        let vocabulary = try await VocabularyPass(configuration: configuration, maxSize: 3_000, workers: 2).run(reader)
            .vocabulary
        let directory = try temporaryDirectory()
        let tokenizer = try ChunkTokenizer(configuration: configuration, options: encoding, workers: 2)
        let writer = TokenShardWriter(directory: directory, sequencesPerShard: 9_000)
        var statistics = EncodingStatistics()
        for try await chunk in reader.orderedConcurrentMap(
            maxConcurrency: 2,
            {
                try tokenizer.tokenize($0).encoded(with: vocabulary)
            })
        {
            try writer.append(chunk)
            statistics.add(chunk.statistics)
        }
        try writer.finish()
        try vocabulary.save(to: directory.appendingPathComponent("vocab.json"))
        try writeManifest(for: writer.shards, counts: statistics, encoding: encoding, into: directory)
        return (vocabulary, directory)
    }

    @Test func shardsAndLiveCorpusGiveIdenticalBatches() async throws {
        let (vocabulary, directory) = try await Self.prepare()
        let live = SequenceSource.live(
            inputs: [.file(Self.corpus.path)], reader: ReaderOptions(), tokenizer: Self.configuration,
            vocabulary: vocabulary, encoding: Self.encoding, workers: 2)
        let settings = [
            BatchingOptions(
                batchSize: 64, addBeginAndEnd: true, bucketBoundaries: [8, 16, 24], validationFraction: 0.1),
            BatchingOptions(batchSize: 100, maxLength: 12, overLength: .drop, padding: .pre),
            BatchingOptions(batchSize: 50, window: 30, stride: 30)
        ]
        for options in settings {
            let fromShards = try await collect(
                BatchStream(source: .shards(directory: directory), options: options), split: .train)
            let fromLive = try await collect(BatchStream(source: live, options: options), split: .train)
            #expect(fromShards.batches.count > 100)
            // The first differing batch, rather than both epochs, when they disagree.
            #expect(fromShards.batches.count == fromLive.batches.count)
            #expect(Array(zip(fromShards.batches, fromLive.batches)).firstIndex { $0 != $1 } == nil)
            #expect(fromShards.report.sequences == fromLive.report.sequences)
            #expect(fromShards.report.unknownTokens == fromLive.report.unknownTokens)
            #expect(fromShards.report.unknownTokens > 0)
            #expect(fromLive.report.records == fromShards.report.records)
            #expect(fromLive.report.fraction == 1)
        }
    }
}
