import Testing

@testable import Batching

@Suite struct EpochResumeTests {
    @Test(arguments: [0, 1, 17, 40])
    func resumedEpochSeesTheTailOfAnUninterruptedOne(skipping: Int) async throws {
        let options = BatchingOptions(
            batchSize: 25, bucketBoundaries: [4, 8, 14], shuffleBuffer: 400, shuffleSeed: 11, validationFraction: 0.1)
        let stream = try shardStream(generatedSequences(count: 1_500), sequencesPerShard: 400, options: options)
        let whole = try await collect(stream, epoch: 2, split: .train).batches
        #expect(whole.count > 40)
        let resumed = try await collect(stream, epoch: 2, split: .train, skipping: skipping)
        #expect(resumed.batches == Array(whole.dropFirst(skipping)))
        #expect(resumed.report.skippedBatches == skipping)
        let fromPosition = try await collect(
            stream.batches(from: EpochPosition(epoch: 2, batchesConsumed: skipping), split: .train))
        #expect(fromPosition == Array(whole.dropFirst(skipping)))
    }

    @Test func epochsDifferOnlyInOrder() async throws {
        let options = BatchingOptions(batchSize: 25, bucketBoundaries: [4, 8], shuffleBuffer: 100, shuffleSeed: 1)
        let stream = try shardStream(generatedSequences(count: 800), sequencesPerShard: 300, options: options)
        let zero = try await collect(stream, epoch: 0).batches
        let one = try await collect(stream, epoch: 1).batches
        #expect(zero != one)
        #expect(rows(zero).map(\.position).sorted() == rows(one).map(\.position).sorted())
    }

    @Test func positionAdvances() {
        let position = EpochPosition(epoch: 1, batchesConsumed: 5)
        #expect(position.advanced(by: 3) == EpochPosition(epoch: 1, batchesConsumed: 8))
        #expect(position.nextEpoch() == EpochPosition(epoch: 2, batchesConsumed: 0))
    }
}

func collect(_ batches: EpochBatches) async throws -> [Batch] {
    var result: [Batch] = []
    for try await batch in batches { result.append(batch) }
    return result
}
