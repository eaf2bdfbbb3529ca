import Foundation
import Testing
import Tokenization
@testable import Corpus

@Suite struct ShardSpecificationTests {
    @Test func flagWinsOverTheEnvironment() throws {
        let environment = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "JOB_COMPLETION_INDEX": "1"]
        #expect(try ShardSpecification.resolve(flag: "1/3", count: nil, environment: environment) == ShardSpecification(index: 1, count: 3))
        #expect(try ShardSpecification.resolve(flag: nil, count: nil, environment: [:]) == nil)
    }

    @Test func slurmIndexCountsFromTheArraysMinimum() throws {
        let environment = ["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try ShardSpecification.resolve(flag: nil, count: nil, environment: environment) == ShardSpecification(index: 2, count: 4))
        #expect(throws: CorpusError.self) {
            try ShardSpecification.resolve(flag: nil, count: nil, environment: environment.merging(["SLURM_ARRAY_TASK_STEP": "2"]) { $1 })
        }
    }

    @Test func kubernetesIndexNeedsTheCount() throws {
        #expect(try ShardSpecification.resolve(flag: nil, count: 5, environment: ["JOB_COMPLETION_INDEX": "4"]) == ShardSpecification(index: 4, count: 5))
        do {
            _ = try ShardSpecification.resolve(flag: nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "4"])
            Issue.record("JOB_COMPLETION_INDEX without --shard-count was accepted")
        } catch {
            #expect(error.localizedDescription.hasPrefix("JOB_COMPLETION_INDEX:"))
        }
    }

    @Test func malformedShardsAreRefused() {
        for text in ["", "1", "1/", "/2", "a/b", "-1/2", "2/2", "0/0", "1/2/3"] {
            #expect(throws: CorpusError.self, "\(text)") { try ShardSpecification(parsing: text) }
        }
    }
}

@Suite struct ShardPlanTests {
    @Test func filesGoToWorkersInContiguousRangesCoveringEveryInput() throws {
        for files in 1...9 {
            for count in 1...files {
                var next = 0
                for index in 0..<count {
                    let plan = try ShardPlan(shard: ShardSpecification(index: index, count: count), inputs: (0..<files).map { "f\($0)" }, blockRecords: nil)
                    #expect(plan.unit == .files)
                    #expect(plan.selectedInputs.lowerBound == next && !plan.selectedInputs.isEmpty)
                    next = plan.selectedInputs.upperBound
                }
                #expect(next == files)
            }
        }
    }

    /// A chunk of `count` one-byte records starting at record `first`, with one skipped-record issue.
    func chunk(first: Int, count: Int) -> RecordChunk {
        var chunk = RecordChunk()
        chunk.utf8 = (0..<count).map { UInt8(truncatingIfNeeded: first + $0) }
        chunk.ends = Array(1...max(1, count)).prefix(count).map { $0 }
        chunk.lines = (0..<count).map { first + $0 + 1 }
        chunk.fields = Array(repeating: 0, count: count)
        chunk.firstRecordIndex = first
        chunk.issues = [RecordIssue(location: RecordLocation(input: "x", member: nil, line: 1), reason: .invalidUTF8)]
        return chunk
    }

    @Test func everyRecordAndEveryReportGoesToExactlyOneWorker() throws {
        let sizes = [0, 5, 17, 1, 0, 40, 3, 64]
        for count in 1...4 {
            var owner: [Int: Int] = [:]
            var reports = 0
            for index in 0..<count {
                let plan = try ShardPlan(shard: ShardSpecification(index: index, count: count), inputs: ["one"], blockRecords: count == 1 ? nil : 7)
                var first = 0
                for size in sizes {
                    for piece in plan.pieces(of: chunk(first: first, count: size)) {
                        reports += piece.issues.count
                        if !piece.isEmpty { #expect(plan.block(ofRecord: piece.firstRecordIndex) == plan.block(ofRecord: piece.firstRecordIndex + piece.count - 1)) }
                        for record in 0..<piece.count {
                            let position = piece.firstRecordIndex + record
                            #expect(owner[position] == nil, "record \(position) twice")
                            owner[position] = index
                            #expect(piece.utf8[piece.range(of: record)] == [UInt8(truncatingIfNeeded: position)])
                        }
                    }
                    first += size
                }
            }
            #expect(owner.count == sizes.reduce(0, +), "N = \(count)")
            #expect(reports == sizes.count, "N = \(count)")
        }
    }

    @Test func standardInputCannotBeSharded() {
        #expect(throws: CorpusError.self) { try ShardPlan(shard: ShardSpecification(index: 0, count: 2), inputs: ["-", "a"], blockRecords: nil) }
    }
}

@Suite struct ShardMergingTests {
    @Test func combinedCRCEqualsTheCRCOfTheConcatenation() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        for cut in [0, 1, 7, 4096, 9999, 10_000] {
            var whole = CRC32(), first = CRC32(), second = CRC32()
            bytes.withUnsafeBufferPointer { all in
                whole.update(all)
                first.update(UnsafeBufferPointer(rebasing: all[..<cut]))
                second.update(UnsafeBufferPointer(rebasing: all[cut...]))
            }
            #expect(CRC32.combine(first.value, second.value, secondLength: Int64(bytes.count - cut)) == whole.value, "cut \(cut)")
        }
    }

    @Test func partialCountsRoundTripAndMergeInAnyOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("counts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokens = ["the", "a\tb", "line\nbreak", "back\\slash", "\\t", "é", "the"]
        var parts: [PartialCounts] = []
        for index in 0..<3 {
            var counter = TokenCounter()
            for (position, token) in tokens.enumerated() where position % 3 != index { counter.add(token, count: position + 1) }
            let plan = try ShardPlan(shard: ShardSpecification(index: index, count: 3), inputs: ["a", "b", "c"], blockRecords: nil)
            let counts = PartialCounts(configuration: TokenizerConfiguration(level: .word), plan: plan, records: 10, counter: counter,
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
        #expect(throws: CorpusError.self) { try PartialCounts.merging([parts[0], parts[0]], paths: ["0", "0 again"]) }
    }

    @Test func relativePathsBetweenDirectories() {
        #expect(ShardManifest.relativePath(from: URL(fileURLWithPath: "/d/data"), to: URL(fileURLWithPath: "/d/data/w0")) == "w0/")
        #expect(ShardManifest.relativePath(from: URL(fileURLWithPath: "/d/data"), to: URL(fileURLWithPath: "/d/w0")) == "../w0/")
        #expect(ShardManifest.relativePath(from: URL(fileURLWithPath: "/d/data"), to: URL(fileURLWithPath: "/d/data")) == "")
    }
}
