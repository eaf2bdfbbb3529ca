import Testing

@testable import Batching

@Suite struct DataSplitTests {
    @Test func trainAndValidationAreDisjointAndMakeUpAll() async throws {
        let sequences = generatedSequences(count: 5_000).filter { !$0.isEmpty }
        let options = BatchingOptions(batchSize: 64, validationFraction: 0.2)
        let stream = try shardStream(sequences, sequencesPerShard: 1_500, options: options)
        let train = Set(rows(try await collect(stream, split: .train).batches).map(\.position))
        let validation = Set(rows(try await collect(stream, split: .validation).batches).map(\.position))
        let all = Set(rows(try await collect(stream, split: .all).batches).map(\.position))
        #expect(train.isDisjoint(with: validation))
        #expect(train.union(validation) == all)
        #expect(all.count == sequences.count)
        // 20 % of 5,000 ± a generous 5 standard deviations.
        #expect(abs(Double(validation.count) / Double(all.count) - 0.2) < 0.03)
    }

    @Test func membershipDependsOnThePositionOnly() async throws {
        let sequences = generatedSequences(count: 2_000).filter { !$0.isEmpty }
        let plain = try shardStream(sequences, options: BatchingOptions(batchSize: 50, validationFraction: 0.1))
        let shuffled = try shardStream(
            sequences,
            options: BatchingOptions(
                batchSize: 50, bucketBoundaries: [5, 10], shuffleBuffer: 300, shuffleSeed: 4, validationFraction: 0.1))
        let reference = Set(rows(try await collect(plain, split: .validation).batches).map(\.position))
        for epoch in 0..<2 {
            #expect(
                Set(rows(try await collect(shuffled, epoch: epoch, split: .validation).batches).map(\.position))
                    == reference)
        }
        #expect(
            reference
                == Set(
                    (0..<Int64(sequences.count)).filter {
                        DataSplit.validation.contains(position: $0, validationFraction: 0.1)
                    }))
    }

    @Test func noFractionMeansNoValidation() async throws {
        let stream = try shardStream(generatedSequences(count: 100), options: BatchingOptions())
        let (batches, report) = try await collect(stream, split: .validation)
        #expect(batches.isEmpty)
        #expect(report.sequences == 100)
        #expect(report.sequencesInSplit == 0)
    }
}
