import Support
import Testing

@testable import Batching

@Suite struct ShuffleBufferTests {
    static let sequences = generatedSequences(count: 3_000).filter { !$0.isEmpty }

    func positions(buffer: Int, seed: UInt64, epoch: Int) async throws -> [Int64] {
        let stream = try shardStream(
            Self.sequences, sequencesPerShard: 1_000,
            options: BatchingOptions(batchSize: 32, shuffleBuffer: buffer, shuffleSeed: seed))
        let read = rows(try await collect(stream, epoch: epoch).batches)
        // Every row still carries its own ids.
        #expect(read.allSatisfy { Self.sequences[Int($0.position)] == $0.ids })
        return read.map(\.position)
    }

    @Test(arguments: [1, 100, 10_000])
    func isAReproduciblePermutation(buffer: Int) async throws {
        let first = try await positions(buffer: buffer, seed: 7, epoch: 0)
        #expect(first.sorted() == (0..<Int64(Self.sequences.count)).map { $0 })
        #expect(try await positions(buffer: buffer, seed: 7, epoch: 0) == first)
    }

    @Test func differsByEpochAndSeed() async throws {
        let reference = try await positions(buffer: 500, seed: 7, epoch: 0)
        #expect(try await positions(buffer: 500, seed: 7, epoch: 1) != reference)
        #expect(try await positions(buffer: 500, seed: 8, epoch: 0) != reference)
        #expect(reference != (0..<Int64(Self.sequences.count)).map { $0 })
    }

    @Test func bufferBoundsHowFarASequenceMovesAhead() {
        // Output i can only be one of the first i + capacity + 1 inputs: the buffer is all that
        // is ahead of the stream.
        var shuffle = ShuffleBuffer(capacity: 8, generator: Xoshiro256StarStar(seed: 1, epoch: 0, stream: 1))
        var input = SequenceBlock()
        for position in 0..<200 {
            [Int32(position)].withUnsafeBufferPointer { input.append($0, position: Int64(position)) }
        }
        var output = SequenceBlock()
        var emitted: [Int64] = []
        shuffle.push(input, into: &output)
        emitted += output.positions
        shuffle.finish(into: &output)
        emitted += output.positions
        #expect(emitted.sorted() == (0..<200).map { Int64($0) })
        for (index, position) in emitted.enumerated() { #expect(position < Int64(index + 8 + 1)) }
    }
}
