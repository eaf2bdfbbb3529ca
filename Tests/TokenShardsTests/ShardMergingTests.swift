import CorpusReader
import Foundation
import Testing
import Tokenization

@testable import TokenShards

@Suite struct ShardMergingTests {
    @Test func partialCountsRoundTripAndMergeInAnyOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("counts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokens = ["the", "a\tb", "line\nbreak", "back\\slash", "\\t", "é", "the"]
        var parts: [PartialCounts] = []
        for index in 0..<3 {
            var counter = TokenCounter()
            for (position, token) in tokens.enumerated() where position % 3 != index {
                counter.add(token, count: position + 1)
            }
            let plan = try ShardPlan(
                shard: ShardSpecification(index: index, count: 3), inputs: ["a", "b", "c"], blockRecords: nil)
            let counts = PartialCounts(
                configuration: TokenizerConfiguration(level: .word), plan: plan, records: 10, counter: counter,
                maxDistinctTokens: nil, prunedDistinctTokens: 0, prunedOccurrences: 0)
            let url = directory.appendingPathComponent("\(index).counts")
            try counts.write(to: url)
            let read = try PartialCounts.read(from: url)
            #expect(read.counter.sortedEntries.map(\.token) == counter.sortedEntries.map(\.token))
            #expect(read.counter.sortedEntries.map(\.count) == counter.sortedEntries.map(\.count))
            parts.append(read)
        }
        let forward = try PartialCounts.merging(parts, paths: ["0", "1", "2"])
        let backward = try PartialCounts.merging(parts.reversed(), paths: ["2", "1", "0"])
        #expect(forward.isComplete && forward.header.records == 30)
        #expect(forward.counter.sortedEntries.map(\.token) == backward.counter.sortedEntries.map(\.token))
        #expect(forward.counter.sortedEntries.map(\.count) == backward.counter.sortedEntries.map(\.count))
        #expect(throws: TokenShardsError.self) {
            try PartialCounts.merging([parts[0], parts[0]], paths: ["0", "0 again"])
        }
    }

    @Test func relativePathsBetweenDirectories() {
        #expect(
            ShardManifest.relativePath(from: URL(fileURLWithPath: "/d/data"), to: URL(fileURLWithPath: "/d/data/w0"))
                == "w0/")
        #expect(
            ShardManifest.relativePath(from: URL(fileURLWithPath: "/d/data"), to: URL(fileURLWithPath: "/d/w0"))
                == "../w0/")
        #expect(
            ShardManifest.relativePath(from: URL(fileURLWithPath: "/d/data"), to: URL(fileURLWithPath: "/d/data")) == ""
        )
    }
}
