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
    /// also with more shards than may wait for the disk at once, and when the ids narrow to 16 bits.
    @Test(arguments: [
        (1, 90_000, TokenIDWidth.int32), (2, 90_000, .int32), (3, 90_000, .int32), (2, 9_000, .int32),
        (1, 90_000, .uint16), (2, 90_000, .uint16), (3, 9_000, .uint16),
    ])
    func inPlaceEqualsRewriting(threads: Int, perShard: Int, idWidth: TokenIDWidth) throws {
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
        let writer = TokenShardWriter(directory: rewritten, sequencesPerShard: perShard, idWidth: idWidth)
        let expected = try remapper.remap(provisional.shards, in: provisional.directory.path, into: writer)
        try writer.finish()

        let moved = directory.url.appendingPathComponent("moved")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        let got = try remapper.remapInPlace(
            provisional.shards, in: provisional.directory.path, into: moved, idWidth: idWidth, threads: threads)
        #expect(got.tokens == expected.tokens && got.unknown == expected.unknown)
        #expect(got.unknown > 0)
        #expect(writer.shards == provisional.shards)
        for shard in provisional.shards {
            for name in [shard.ids, shard.offsets] {
                let a = try Data(contentsOf: rewritten.appendingPathComponent(name))
                let b = try Data(contentsOf: moved.appendingPathComponent(name))
                #expect(a == b, "\(name) differs")
            }
            let ids = try ShardIDArray(path: moved.appendingPathComponent(shard.ids).path)
            #expect(ids.width == idWidth && ids.count == shard.tokens)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: provisional.directory.path).isEmpty)
    }

    /// Narrowing keeps every id: the 16-bit files hold the map's value of every provisional
    /// number, as the 32-bit ones do, over the whole 16-bit range.
    @Test func narrowedIdsAreTheMappedNumbers() throws {
        let directory = try TemporaryDirectory()
        let numbers = 70_000
        let map: [Int32] = (0..<numbers).map { Int32(($0 * 7_919) % 65_536) }  // 0…65,535, in no order
        let provisional = try provisionalShards(in: directory, numbers: numbers, sequences: 20_000, perShard: 6_000)
        let expected = try provisional.shards.flatMap { shard in
            try NpyArray<Int32>(path: provisional.directory.appendingPathComponent(shard.ids).path).map {
                Int(map[Int($0)])
            }
        }
        #expect(expected.max()! > 60_000)
        for width in TokenIDWidth.allCases {
            let copy = directory.url.appendingPathComponent("provisional-\(width)")
            try FileManager.default.copyItem(at: provisional.directory, to: copy)
            let moved = directory.url.appendingPathComponent("moved-\(width)")
            try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
            _ = try ShardRemapper(map: map, addBeginAndEnd: false).remapInPlace(
                provisional.shards, in: copy.path, into: moved, idWidth: width, threads: 2)
            let got = try provisional.shards.flatMap { shard -> [Int] in
                switch try ShardIDArray(path: moved.appendingPathComponent(shard.ids).path) {
                case .uint16(let ids): ids.map(Int.init)
                case .int32(let ids): ids.map(Int.init)
                }
            }
            #expect(got == expected, "\(width)")
        }
    }

    /// A 16-bit writer refuses an id it cannot hold, naming the file and the id.
    @Test func sixteenBitWriterRefusesLargeIds() throws {
        let directory = try TemporaryDirectory()
        let writer = TokenShardWriter(directory: directory.url, sequencesPerShard: 10, idWidth: .uint16)
        try writer.append(ids: [0, 65_535], ends: [2])
        #expect {
            try writer.append(ids: [4, 65_536], ends: [2])
        } throws: { error in
            let text = (error as? NpyError)?.localizedDescription ?? ""
            return text.contains("shard-00000.ids.npy") && text.contains("65536") && text.contains("16 bits")
        }
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
