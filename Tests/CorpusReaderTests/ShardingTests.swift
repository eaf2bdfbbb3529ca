import Testing

@testable import CorpusReader

@Suite struct ShardSpecificationTests {
    @Test func flagWinsOverTheEnvironment() throws {
        let environment = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "JOB_COMPLETION_INDEX": "1"]
        #expect(
            try ShardSpecification.resolve(flag: "1/3", count: nil, environment: environment)
                == ShardSpecification(index: 1, count: 3))
        #expect(try ShardSpecification.resolve(flag: nil, count: nil, environment: [:]) == nil)
    }

    @Test func slurmIndexCountsFromTheArraysMinimum() throws {
        let environment = ["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(
            try ShardSpecification.resolve(flag: nil, count: nil, environment: environment)
                == ShardSpecification(index: 2, count: 4))
        #expect(throws: CorpusError.self) {
            try ShardSpecification.resolve(
                flag: nil, count: nil, environment: environment.merging(["SLURM_ARRAY_TASK_STEP": "2"]) { $1 })
        }
    }

    @Test func kubernetesIndexNeedsTheCount() throws {
        #expect(
            try ShardSpecification.resolve(flag: nil, count: 5, environment: ["JOB_COMPLETION_INDEX": "4"])
                == ShardSpecification(index: 4, count: 5))
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
                    let plan = try ShardPlan(
                        shard: ShardSpecification(index: index, count: count), inputs: (0..<files).map { "f\($0)" },
                        blockRecords: nil)
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
                let plan = try ShardPlan(
                    shard: ShardSpecification(index: index, count: count), inputs: ["one"],
                    blockRecords: count == 1 ? nil : 7)
                var first = 0
                for size in sizes {
                    for piece in plan.pieces(of: chunk(first: first, count: size)) {
                        reports += piece.issues.count
                        if !piece.isEmpty {
                            #expect(
                                plan.block(ofRecord: piece.firstRecordIndex)
                                    == plan.block(ofRecord: piece.firstRecordIndex + piece.count - 1))
                        }
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
        #expect(throws: CorpusError.self) {
            try ShardPlan(shard: ShardSpecification(index: 0, count: 2), inputs: ["-", "a"], blockRecords: nil)
        }
    }
}
