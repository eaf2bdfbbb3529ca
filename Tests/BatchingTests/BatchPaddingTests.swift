import Support
import Testing
import Tokenization

@testable import Batching

@Suite struct BatchPaddingTests {
    static let sequences: [[Int32]] = [[5, 6, 7], [8], [9, 10]]

    @Test func postPaddingPutsPadAfterTheIDs() async throws {
        let (batches, report) = try await collect(shardStream(Self.sequences, options: BatchingOptions(batchSize: 3)))
        let batch = try #require(batches.first)
        #expect(batch.ids == [5, 6, 7, 8, 0, 0, 9, 10, 0])
        #expect(batch.lengths == [3, 1, 2])
        #expect(batch.tokenCount == 6)
        #expect((0..<3).map { batch.mask(at: 1, $0) } == [true, false, false])
        #expect(report.paddingEfficiency == 6.0 / 9.0)
        #expect(batch.targets == nil)
    }

    @Test func prePaddingPutsPadBeforeTheIDs() async throws {
        let (batches, _) = try await collect(
            shardStream(Self.sequences, options: BatchingOptions(batchSize: 3, padding: .pre)))
        let batch = try #require(batches.first)
        #expect(batch.ids == [5, 6, 7, 0, 0, 8, 0, 9, 10])
        #expect(batch.lengths == [3, 1, 2])
        #expect((0..<3).map { batch.mask(at: 2, $0) } == [false, true, true])
        #expect(Array(batch.sequence(2)) == [9, 10])
        // The mask marks exactly the non-pad ids (no real id is 0 here).
        for row in 0..<3 {
            for t in 0..<3 { #expect(batch.mask(at: row, t) == (batch.ids[row * 3 + t] != SpecialToken.padding.id)) }
        }
    }
}
