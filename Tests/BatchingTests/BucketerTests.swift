import Testing

@testable import Batching

@Suite struct BucketerTests {
    /// Lengths 1, 4, 2, 6, 3, 1, 7 at positions 0…6.
    static let sequences: [[Int32]] = [1, 4, 2, 6, 3, 1, 7].enumerated().map { position, length in
        (0..<length).map { Int32(10 * position + $0 + 4) }
    }

    func batches(_ options: BatchingOptions) async throws -> [(positions: [Int64], time: Int)] {
        let (batches, _) = try await collect(shardStream(Self.sequences, options: options))
        for batch in batches {
            for row in 0..<batch.batchSize {
                #expect(Array(batch.sequence(row)) == Self.sequences[Int(batch.positions[row])])
            }
        }
        return batches.map { ($0.positions, $0.time) }
    }

    @Test func longestPadsEachBatchToItsLongest() async throws {
        // Buckets: < 3 {0, 2, 5}, [3, 5) {1, 4}, ≥ 5 {3, 6}; a bucket leaves when it holds 2.
        let result = try await batches(BatchingOptions(batchSize: 2, bucketBoundaries: [3, 5]))
        #expect(result.map(\.positions) == [[0, 2], [1, 4], [3, 6], [5]])
        #expect(result.map(\.time) == [2, 4, 7, 1])
    }

    @Test func edgePadsToTheBucketBoundaryLessOne() async throws {
        let result = try await batches(BatchingOptions(batchSize: 2, bucketBoundaries: [3, 5], bucketMode: .edge))
        #expect(result.map(\.positions) == [[0, 2], [1, 4], [3, 6], [5]])
        #expect(result.map(\.time) == [2, 4, 7, 2])
    }

    @Test func exactGroupsEqualLengthsOnly() async throws {
        let result = try await batches(BatchingOptions(batchSize: 2, bucketMode: .exact))
        #expect(result.map(\.positions) == [[0, 5], [2], [4], [1], [3], [6]])
        #expect(result.map(\.time) == [1, 2, 3, 4, 6, 7])
    }

    @Test func dropRemainderLeavesPartialBucketsOut() async throws {
        let stream = try shardStream(
            Self.sequences, options: BatchingOptions(batchSize: 2, bucketBoundaries: [3, 5], dropRemainder: true))
        let (batches, report) = try await collect(stream)
        #expect(batches.map(\.positions) == [[0, 2], [1, 4], [3, 6]])
        #expect(report.droppedRemainder == 1)
    }

    @Test func withoutBoundariesBatchesFollowTheStream() async throws {
        let result = try await batches(BatchingOptions(batchSize: 3))
        #expect(result.map(\.positions) == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(result.map(\.time) == [4, 6, 7])
    }
}
