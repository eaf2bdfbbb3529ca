import Foundation
import Testing

@testable import Batching

@Suite struct BatchingErrorTests {
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return (error as? LocalizedError)?.errorDescription ?? "\(error)"
        }
    }

    @Test func directoryWithoutManifestWasNotFinished() throws {
        let directory = try temporaryDirectory()
        let text = message { _ = try BatchStream(source: .shards(directory: directory), options: BatchingOptions()) }
        #expect(text.contains(directory.path))
        #expect(text.contains("was not finished by `vae-pipeline tokenize`"))
    }

    @Test func missingDirectoryIsNamed() {
        let text = message {
            _ = try BatchStream(
                source: .shards(directory: URL(fileURLWithPath: "/nonexistent/shards")), options: BatchingOptions())
        }
        #expect(text.contains("'/nonexistent/shards' does not exist"))
    }

    @Test func missingShardFileIsNamed() throws {
        let directory = try makeShards(generatedSequences(count: 50), sequencesPerShard: 20)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("shard-00001.offsets.npy"))
        let text = message { _ = try BatchStream(source: .shards(directory: directory), options: BatchingOptions()) }
        #expect(text.contains("shard-00001.offsets.npy"))
        #expect(text.contains("missing"))
    }

    @Test func offsetsThatDisagreeWithTheIDsAreNamed() throws {
        let directory = try makeShards(generatedSequences(count: 50), sequencesPerShard: 20)
        // Replace shard 1's offsets with those of shard 0 (same count, wrong end).
        let offsets = directory.appendingPathComponent("shard-00001.offsets.npy")
        try FileManager.default.removeItem(at: offsets)
        let other = try makeShards(generatedSequences(count: 20, seed: 99), sequencesPerShard: 20)
        try FileManager.default.copyItem(at: other.appendingPathComponent("shard-00000.offsets.npy"), to: offsets)
        let text = message { _ = try BatchStream(source: .shards(directory: directory), options: BatchingOptions()) }
        #expect(text.contains("shard-00001.offsets.npy"))
        #expect(text.contains("inconsistent"))
    }

    @Test func decreasingOffsetsFailWhileReadingAndNameTheFile() async throws {
        let directory = try makeShards([[4, 5], [6, 7], [8]], sequencesPerShard: 10)
        let url = directory.appendingPathComponent("shard-00000.offsets.npy")
        var bytes = try Data(contentsOf: url)
        // Offsets 0, 2, 4, 5 → 0, 4, 2, 5: the first and last still agree with the manifest.
        let data = bytes.count - 4 * 8
        withUnsafeBytes(of: Int64(4).littleEndian) { bytes.replaceSubrange(data + 8..<data + 16, with: $0) }
        withUnsafeBytes(of: Int64(2).littleEndian) { bytes.replaceSubrange(data + 16..<data + 24, with: $0) }
        try bytes.write(to: url)
        let stream = try BatchStream(source: .shards(directory: directory), options: BatchingOptions())
        await #expect {
            _ = try await collect(stream)
        } throws: { error in
            let text = (error as? LocalizedError)?.errorDescription ?? ""
            return text.contains("shard-00000.offsets.npy") && text.contains("offset 2")
        }
    }

    @Test(arguments: [
        (BatchingOptions(batchSize: 0), "batch size is 0"),
        (BatchingOptions(window: 50), "without a stride"),
        (BatchingOptions(stride: 1), "without a character window"),
        (BatchingOptions(bucketBoundaries: [5, 5, 9]), "must increase strictly, but 5 follows 5"),
        (BatchingOptions(bucketMode: .edge), "no bucket boundaries"),
        (BatchingOptions(validationFraction: 1), "validation fraction"),
        (BatchingOptions(maxLength: 2, addBeginAndEnd: true), "at least 3"),
        (BatchingOptions(bucketBoundaries: [4], window: 10, stride: 1), "do not apply")
    ])
    func invalidOptionsAreFullSentences(options: BatchingOptions, expected: String) throws {
        let directory = try makeShards([[4]], sequencesPerShard: 1)
        let text = message { _ = try BatchStream(source: .shards(directory: directory), options: options) }
        #expect(text.contains(expected))
        #expect(text.hasSuffix("."))
    }

    @Test func negativeSkipIsAnError() async throws {
        let stream = try shardStream([[4]], options: BatchingOptions())
        await #expect(throws: BatchingError.self) { _ = try await collect(stream, skipping: -1) }
    }
}
