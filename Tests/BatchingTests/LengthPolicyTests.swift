import Support
import Testing
import TokenShards
import Tokenization

@testable import Batching

@Suite struct LengthPolicyTests {
    static let sequences: [[Int32]] = [[5, 6, 7], [], [8, 9, 10, 11, 12], [1, 13], [14]]

    func run(_ options: BatchingOptions) async throws -> (rows: [[Int32]], report: BatchingReport) {
        let (batches, report) = try await collect(shardStream(Self.sequences, options: options))
        return (rows(batches).map(\.ids), report)
    }

    @Test func dropsEmptySequencesAndCountsUnknownIDs() async throws {
        let (kept, report) = try await run(BatchingOptions(batchSize: 10))
        #expect(kept == [[5, 6, 7], [8, 9, 10, 11, 12], [1, 13], [14]])
        #expect(report.droppedEmpty == 1)
        #expect(report.unknownTokens == 1)
        #expect(report.sequencesKept == 4)
    }

    @Test func truncationKeepsEndMarkerLast() async throws {
        let (kept, report) = try await run(BatchingOptions(batchSize: 10, maxLength: 4, addBeginAndEnd: true))
        let b = SpecialToken.begin.id, e = SpecialToken.end.id
        #expect(kept == [[b, 5, 6, e], [b, 8, 9, e], [b, 1, 13, e], [b, 14, e]])
        #expect(report.truncated == 2)
        #expect(report.droppedTooLong == 0)
    }

    @Test func dropPolicyLeavesLongSequencesOut() async throws {
        let (kept, report) = try await run(BatchingOptions(batchSize: 10, maxLength: 3, overLength: .drop))
        #expect(kept == [[5, 6, 7], [1, 13], [14]])
        #expect(report.droppedTooLong == 1)
        #expect(report.droppedEmpty == 1)
    }
}
