import Foundation
import Support
import Testing
import TokenShards
import Tokenization

@testable import Batching

@Suite struct ShardSequenceReaderTests {
    @Test func readsEveryShardInOrderWithGlobalPositions() async throws {
        let sequences = generatedSequences(count: 2_500).filter { !$0.isEmpty }
        let stream = try shardStream(sequences, sequencesPerShard: 700, options: BatchingOptions(batchSize: 100))
        #expect(stream.manifest?.shards.count == 4)
        let (batches, report) = try await collect(stream)
        let read = rows(batches)
        #expect(read.map(\.position) == (0..<Int64(sequences.count)).map { $0 })
        #expect(read.map(\.ids) == sequences)
        #expect(report.sequences == sequences.count)
        #expect(report.records == sequences.count)
        #expect(report.bytesRead == report.totalBytes)
    }

    /// 16-bit shards give the very batches 32-bit ones give, and count half the id bytes.
    @Test func sixteenBitShardsReadAsThirtyTwoBitOnes() async throws {
        var sequences = generatedSequences(count: 2_500).filter { !$0.isEmpty }
        sequences[7] = [65_535, 0, 4]  // both ends of the 16-bit range
        let options = BatchingOptions(batchSize: 64, shuffleBuffer: 300, shuffleSeed: 3)
        let wide = try await collect(
            BatchStream(source: .shards(directory: makeShards(sequences, sequencesPerShard: 700)), options: options))
        let narrowDirectory = try makeShards(sequences, sequencesPerShard: 700, idWidth: .uint16)
        let narrow = try await collect(BatchStream(source: .shards(directory: narrowDirectory), options: options))
        #expect(rows(narrow.batches).map(\.ids) == rows(wide.batches).map(\.ids))
        #expect(rows(narrow.batches).map(\.position) == rows(wide.batches).map(\.position))
        let tokens = Int64(sequences.reduce(0) { $0 + $1.count })
        #expect(try #require(wide.report.totalBytes) - #require(narrow.report.totalBytes) == 2 * tokens)
        #expect(narrow.report.bytesRead == narrow.report.totalBytes)
        let file = narrowDirectory.appendingPathComponent("shard-00000.ids.npy").path
        #expect(try ShardIDArray(path: file).width == .uint16)
    }

    /// A file whose width is not the manifest's is named, before any batch.
    @Test func refusesAnIdFileOfAnotherWidthThanTheManifestSays() throws {
        let sequences = generatedSequences(count: 100).filter { !$0.isEmpty }
        let directory = try makeShards(sequences, sequencesPerShard: 1_000, idWidth: .uint16)
        var counts = EncodingStatistics()
        counts.records = sequences.count
        counts.sequences = sequences.count
        counts.tokens = sequences.reduce(0) { $0 + $1.count }
        let manifest = try ShardManifest.read(from: directory)
        try writeManifest(
            for: manifest.shards, counts: counts, encoding: EncodingOptions(), idWidth: .int32, into: directory)
        #expect {
            _ = try BatchStream(source: .shards(directory: directory), options: BatchingOptions(batchSize: 8))
        } throws: { error in
            guard case let .inconsistentShard(path, reason) = error as? BatchingError else { return false }
            return path.hasSuffix("shard-00000.ids.npy") && reason.contains("<u2") && reason.contains("<i4")
        }
    }

    @Test func stripsBeginAndEndWrittenByTokenizeAndAddsThemOnlyWhenAsked() async throws {
        let sequences = generatedSequences(count: 300).filter { !$0.isEmpty }
        let directory = try makeShards(sequences, sequencesPerShard: 128, addBeginAndEnd: true)
        let bare = try await collect(
            BatchStream(source: .shards(directory: directory), options: BatchingOptions(batchSize: 7)))
        #expect(rows(bare.batches).map(\.ids) == sequences)
        let wrapped = try await collect(
            BatchStream(
                source: .shards(directory: directory), options: BatchingOptions(batchSize: 7, addBeginAndEnd: true)))
        #expect(
            rows(wrapped.batches).map(\.ids) == sequences.map { [SpecialToken.begin.id] + $0 + [SpecialToken.end.id] })
    }

    @Test func shuffledEpochsVisitShardsInSeededOrders() throws {
        let stream = try shardStream(
            generatedSequences(count: 1_000), sequencesPerShard: 100,
            options: BatchingOptions(shuffleBuffer: 10, shuffleSeed: 9))
        let first = stream.shardOrder(epoch: 0)
        #expect(first.sorted() == Array(0..<10))
        #expect(first == stream.shardOrder(epoch: 0))
        #expect(first != stream.shardOrder(epoch: 1))
        let unshuffled = try shardStream(
            generatedSequences(count: 1_000), sequencesPerShard: 100, options: BatchingOptions())
        #expect(unshuffled.shardOrder(epoch: 3) == Array(0..<10))
    }

    @Test func refusesIdsOutsideTheVocabularyNamingFileAndPosition() async throws {
        var sequences = generatedSequences(count: 50).filter { !$0.isEmpty }
        sequences[30] = [4, 5, 70_000]
        let directory = try makeShards(sequences, sequencesPerShard: 1_000)
        let stream = try BatchStream(
            source: .shards(directory: directory, vocabularySize: 1_000), options: BatchingOptions(batchSize: 8))
        await #expect {
            _ = try await collect(stream)
        } throws: { error in
            guard case let .idOutOfVocabulary(path, element, sequence, value, size) = error as? BatchingError else {
                return false
            }
            let description = (error as? BatchingError)?.errorDescription ?? ""
            return path.hasSuffix(".npy") && sequence == 30 && value == 70_000 && size == 1_000
                && element == sequences.prefix(30).reduce(0) { $0 + $1.count } + 2
                && description.contains(path) && description.contains("70000") && description.contains("0…999")
        }
    }

    @Test func refusesNegativeIds() async throws {
        var sequences = generatedSequences(count: 20).filter { !$0.isEmpty }
        sequences[0] = [-3, 4]
        let directory = try makeShards(sequences, sequencesPerShard: 1_000)
        let stream = try BatchStream(
            source: .shards(directory: directory, vocabularySize: 1_000), options: BatchingOptions(batchSize: 8))
        await #expect {
            _ = try await collect(stream)
        } throws: { error in
            guard case let .idOutOfVocabulary(_, element, sequence, value, _) = error as? BatchingError else {
                return false
            }
            return element == 0 && sequence == 0 && value == -3
        }
    }

    /// A manifest's sequence count is compared with the offsets file without arithmetic on it:
    /// Int.max or −1 is an inconsistency naming the file, not a trap or an index out of range.
    @Test(arguments: [Int.max, -1])
    func refusesAnImpossibleSequenceCount(_ count: Int) throws {
        let directory = try makeShards(generatedSequences(count: 10).filter { !$0.isEmpty }, sequencesPerShard: 1_000)
        let url = directory.appendingPathComponent("manifest.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var shards = manifest["shards"] as! [[String: Any]]
        shards[0]["sequences"] = count
        manifest["shards"] = shards
        try JSONSerialization.data(withJSONObject: manifest).write(to: url)
        #expect {
            _ = try BatchStream(
                source: .shards(directory: directory, vocabularySize: 1_000), options: BatchingOptions(batchSize: 8))
        } throws: { error in
            guard case .inconsistentShard = error as? BatchingError else { return false }
            return true
        }
    }
}
