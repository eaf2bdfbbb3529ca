import CorpusTestSupport
import Foundation
import Support
import Testing
import Tokenization

@testable import TokenShards

@Suite struct ShardRemapperTests {
    /// Provisional shards of random sequences over `numbers` provisional numbers.
    func provisionalShards(in directory: TemporaryDirectory, numbers: Int, sequences: Int, perShard: Int) throws
        -> TokenShardWriter
    {
        let folder = directory.url.appendingPathComponent("provisional")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let writer = TokenShardWriter(directory: folder, sequencesPerShard: perShard, durability: .idsRewrittenInPlace)
        var generator = SystemRandomNumberGenerator()
        var ids: [Int32] = []
        var ends: [Int] = []
        for _ in 0..<sequences {
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                ids.append(Int32.random(in: 0..<Int32(numbers), using: &generator))
            }
            ends.append(ids.count)
        }
        try writer.append(ids: ids, ends: ends)
        try writer.finish()
        return writer
    }

    /// Rewriting in place (on one or several threads, across block boundaries) gives the same
    /// files as writing new shards, and moves both files of each shard out of the provisional folder;
    /// also with more shards than may wait for the disk at once.
    @Test(arguments: [(1, 90_000), (2, 90_000), (3, 90_000), (2, 9_000)])
    func inPlaceEqualsRewriting(threads: Int, perShard: Int) throws {
        let directory = try TemporaryDirectory()
        let numbers = 5_000
        let sequences = 200_000
        let provisional = try provisionalShards(
            in: directory, numbers: numbers, sequences: sequences, perShard: perShard)
        #expect(provisional.shards.count == (sequences + perShard - 1) / perShard)
        // A map with <unk> for every seventh number.
        let map: [Int32] = (0..<numbers).map { (number: Int) -> Int32 in
            number % 7 == 0 ? SpecialToken.unknown.id : Int32(4 + number / 2)
        }
        let remapper = ShardRemapper(map: map, addBeginAndEnd: false)

        let rewritten = directory.url.appendingPathComponent("rewritten")
        try FileManager.default.createDirectory(at: rewritten, withIntermediateDirectories: true)
        let writer = TokenShardWriter(directory: rewritten, sequencesPerShard: perShard)
        let expected = try remapper.remap(provisional.shards, in: provisional.directory.path, into: writer)
        try writer.finish()

        let moved = directory.url.appendingPathComponent("moved")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        let got = try remapper.remapInPlace(
            provisional.shards, in: provisional.directory.path, into: moved, threads: threads)
        #expect(got.tokens == expected.tokens && got.unknown == expected.unknown)
        #expect(got.unknown > 0)
        #expect(writer.shards == provisional.shards)
        for shard in provisional.shards {
            for name in [shard.ids, shard.offsets] {
                let a = try Data(contentsOf: rewritten.appendingPathComponent(name))
                let b = try Data(contentsOf: moved.appendingPathComponent(name))
                #expect(a == b, "\(name) differs")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: provisional.directory.path).isEmpty)
    }

    /// A number outside the map (a damaged provisional file) is an error naming the file, not a trap.
    @Test func aNumberOutsideTheMapIsAnErrorNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let provisional = try provisionalShards(in: directory, numbers: 100, sequences: 1_000, perShard: 1_000)
        let remapper = ShardRemapper(map: [Int32](repeating: 5, count: 99), addBeginAndEnd: false)
        let moved = directory.url.appendingPathComponent("moved")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        do {
            _ = try remapper.remapInPlace(provisional.shards, in: provisional.directory.path, into: moved, threads: 2)
            Issue.record("expected an error")
        } catch let error as NpyError {
            let text = error.localizedDescription
            #expect(
                text.contains("shard-00000.ids.npy") && text.contains("outside the 99 provisional numbers"), "\(text)")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: moved.path).isEmpty, "nothing moved after a failure")
    }
}
