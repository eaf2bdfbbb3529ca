import Testing

@testable import Batching

@Suite struct CharacterWindowerTests {
    /// Ids 4…23 split over sequences of lengths 3, 0, 5, 7, 5: the stream is 4…23 whatever the split.
    static let sequences: [[Int32]] = {
        var next: Int32 = 4
        return [3, 0, 5, 7, 5].map { length in
            (0..<length).map { _ in
                defer { next += 1 }; return next
            }
        }
    }()

    @Test func strideOneWindowsAreEveryPosition() async throws {
        let options = BatchingOptions(batchSize: 4, window: 5, stride: 1)
        let (batches, report) = try await collect(shardStream(Self.sequences, sequencesPerShard: 2, options: options))
        // 20 ids give 20 − 6 + 1 = 15 windows of 6 ids.
        #expect(report.windows == 15)
        #expect(batches.map(\.batchSize) == [4, 4, 4, 3])
        let all = batches.flatMap { batch in
            (0..<batch.batchSize).map { row in
                (batch.positions[row], Array(batch.row(row)), Array(batch.targets![row * 5..<(row + 1) * 5]))
            }
        }
        for (index, (position, inputs, targets)) in all.enumerated() {
            let start = Int32(4 + index)
            #expect(position == Int64(index))
            #expect(inputs == Array(start..<start + 5))
            #expect(targets == Array(start + 1..<start + 6))
        }
        #expect(batches.allSatisfy { $0.time == 5 && $0.lengths.allSatisfy { $0 == 5 } })
    }

    @Test func strideEqualToWindowMakesConsecutiveChunks() async throws {
        let options = BatchingOptions(batchSize: 10, window: 6, stride: 6)
        let (batches, _) = try await collect(shardStream(Self.sequences, options: options))
        let batch = try #require(batches.first)
        // Starts 4, 10, 16 (the next, at 22, lacks 7 ids).
        #expect(batch.batchSize == 3)
        #expect(batch.ids == Array(4..<22))
        #expect(batch.targets == Array(5..<23))
    }

    @Test func windowsAreShuffledReproducibly() async throws {
        let options = BatchingOptions(batchSize: 4, shuffleBuffer: 6, shuffleSeed: 3, window: 5, stride: 1)
        let stream = try shardStream(Self.sequences, options: options)
        let first = try await collect(stream).batches
        #expect(first.flatMap(\.positions).sorted() == (0..<15).map { Int64($0) })
        #expect(first.flatMap(\.positions) != (0..<15).map { Int64($0) })
        #expect(try await collect(stream).batches == first)
        for batch in first {
            for row in 0..<batch.batchSize { #expect(batch.ids[row * 5] == Int32(4 + batch.positions[row])) }
        }
    }
}
