import Foundation
import Testing

/// `vocab --shard` + `vocab merge` and `tokenize --shard` + `tokenize merge-manifests`, each
/// worker a separate process: for N = 1, 2, 3 the merged vocabulary is byte-identical to one
/// `vocab` run and the merged dataset's ids to one `tokenize` run, under the file partition
/// (at least N inputs) and the record partition (fewer).
@Suite(.serialized) struct ShardedPassesCommandTests {
    /// A temporary directory with a slice of the shipped web sentences, as four files (one
    /// gzip) and as two.
    final class Fixture {
        let directory: URL
        var fourFiles: [String] {
            ["a.txt", "b.txt.gz", "c.txt", "d.txt"].map { directory.appendingPathComponent($0).path }
        }
        var twoFiles: [String] { ["whole-1.txt.gz", "whole-2.txt"].map { directory.appendingPathComponent($0).path } }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let lines = try CommandRunner.runTool([
                "gzip", "-dc", corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
            ])
            .split(separator: "\n", omittingEmptySubsequences: false).prefix(1300).map(String.init)
            // Uneven files, so that contiguous ranges of files differ in size.
            let cuts = [0, 250, 700, 820, 1300]
            for (index, name) in ["a.txt", "b.txt", "c.txt", "d.txt"].enumerated() {
                try write(lines[cuts[index]..<cuts[index + 1]], to: name)
            }
            try CommandRunner.runTool(["gzip", directory.appendingPathComponent("b.txt").path])
            try write(lines[0..<900], to: "whole-1.txt")
            try CommandRunner.runTool(["gzip", directory.appendingPathComponent("whole-1.txt").path])
            try write(lines[900..<1300], to: "whole-2.txt")
        }

        private func write(_ lines: ArraySlice<String>, to name: String) throws {
            try (lines.joined(separator: "\n") + "\n").write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static let vocabularyOptions = ["--lowercase", "--max-vocab", "800", "--min-count", "2"]
    static let sequenceOptions = [
        "--max-length", "20", "--over-length", "drop", "--bos-eos", "--shard-sequences", "150"
    ]

    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String?] = [:]) throws -> CommandRunner.Result {
        // One core per worker, as an array job's task would have; merges read no corpus.
        let merges = arguments.count > 1 && ["merge", "merge-manifests"].contains(arguments[1])
        let result = try CommandRunner.run(arguments + (merges ? [] : ["--workers", "1"]), environment: environment)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    func fail(_ arguments: [String], environment: [String: String?] = [:], saying expected: String) throws {
        let result = try CommandRunner.run(arguments, environment: environment)
        #expect(result.status != 0, "\(arguments.joined(separator: " ")) should fail")
        #expect(result.standardError.contains(expected), "\(arguments.joined(separator: " ")): \(result.standardError)")
    }

    /// Runs the whole sharded flow with `count` workers over `inputs` and compares it with single runs.
    func checkShardedRunsMatchOneRun(_ fixture: Fixture, inputs: [String], count: Int, blockRecords: Int?, name: String)
        throws
    {
        let base = fixture.directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        func path(_ item: String) -> String { base.appendingPathComponent(item).path }
        let block = blockRecords.map { ["--shard-block-records", String($0)] } ?? []

        // One run each over the whole corpus.
        try FileManager.default.createDirectory(atPath: path("single-vocab"), withIntermediateDirectories: true)
        try succeed(["vocab"] + inputs + Self.vocabularyOptions + ["--out", path("single-vocab/vocab.json")])
        try succeed(
            ["tokenize"] + inputs + Self.vocabularyOptions + Self.sequenceOptions + ["--out", path("single-tokens")])

        // The workers: counts, merge, tokenize with the merged vocabulary, merge the manifests.
        var counts: [String] = []
        for index in 0..<count {
            counts.append(path("part-\(index).counts"))
            try succeed(
                ["vocab", "--shard", "\(index)/\(count)"] + inputs + ["--lowercase", "--counts-out", counts[index]]
                    + block)
        }
        try FileManager.default.createDirectory(atPath: path("merged-vocab"), withIntermediateDirectories: true)
        try succeed(
            ["vocab", "merge"] + counts.reversed() + [
                "--max-vocab", "800", "--min-count", "2", "--out", path("merged-vocab/vocab.json")
            ])
        let single = try Data(contentsOf: URL(fileURLWithPath: path("single-vocab/vocab.json")))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: path("merged-vocab/vocab.json"))) == single,
            "\(name): merged vocabulary")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: path("single-tokens/vocab.json"))) == single,
            "\(name): tokenize's vocabulary")
        if count == 3 {
            // Another grouping: two parts into counts first, then the third.
            try succeed(["vocab", "merge", counts[2], counts[0], "--counts-out", path("parts-0-2.counts")])
            try succeed([
                "vocab", "merge", counts[1], path("parts-0-2.counts"), "--max-vocab", "800", "--min-count", "2",
                "--out", path("regrouped.json")
            ])
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: path("regrouped.json"))) == single, "\(name): regrouped merge"
            )
        }

        var workers: [String] = []
        for index in 0..<count {
            workers.append(path("tokens-\(index)"))
            try succeed(
                ["tokenize", "--shard", "\(index)/\(count)"] + inputs + ["--vocab", path("merged-vocab/vocab.json")]
                    + Self.sequenceOptions + ["--out", workers[index]] + block)
        }
        try succeed(["tokenize", "merge-manifests"] + workers.reversed() + ["--out", path("dataset")])

        let expected = try ShardedData(directory: URL(fileURLWithPath: path("single-tokens")))
        let merged = try ShardedData(directory: URL(fileURLWithPath: path("dataset")))
        #expect(merged.sequences.count == expected.sequences.count, "\(name)")
        #expect(merged.sequences == expected.sequences, "\(name): merged ids differ from one tokenize")
        #expect(
            merged.manifest["records_checksum"] as? String == expected.manifest["records_checksum"] as? String,
            "\(name)")
        #expect(merged.manifest["counts"] as? [String: Int] == expected.manifest["counts"] as? [String: Int], "\(name)")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: path("dataset/vocab.json"))) == single,
            "\(name): dataset vocabulary")
    }

    @Test func filePartitionMatchesOneRunForOneTwoAndThreeWorkers() throws {
        let fixture = try Fixture()
        for count in 1...3 {
            try checkShardedRunsMatchOneRun(
                fixture, inputs: fixture.fourFiles, count: count, blockRecords: nil, name: "files-\(count)")
        }
        // Worker 1 of 3 over four files reads ⌊4/3⌋..<⌊8/3⌋: the gzip file b alone.
        let manifest = try ShardedData(directory: fixture.directory.appendingPathComponent("files-3/tokens-1")).manifest
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(
            inputs.map { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } } == ["b.txt.gz"])
    }

    @Test func recordPartitionMatchesOneRunForTwoAndThreeWorkers() throws {
        let fixture = try Fixture()
        // Two inputs for three workers: records, in blocks that cross the file boundary.
        try checkShardedRunsMatchOneRun(
            fixture, inputs: fixture.twoFiles, count: 3, blockRecords: 97, name: "records-3")
        try checkShardedRunsMatchOneRun(
            fixture, inputs: [fixture.twoFiles[0]], count: 2, blockRecords: 128, name: "records-2")
        let manifest = try ShardedData(directory: fixture.directory.appendingPathComponent("records-3/tokens-0"))
            .manifest
        let partition = try #require(manifest["partition"] as? [String: Any])
        #expect(partition["unit"] as? String == "records")
        // Blocks 0, 3, 6, 9, 12 of 1,300 records in blocks of 97.
        #expect((manifest["parts"] as? [[String: Any]])?.compactMap { $0["number"] as? Int } == [0, 3, 6, 9, 12])
    }

    @Test func trainReadsTheMergedDataset() throws {
        let fixture = try Fixture()
        try checkShardedRunsMatchOneRun(fixture, inputs: fixture.fourFiles, count: 2, blockRecords: nil, name: "train")
        let dataset = fixture.directory.appendingPathComponent("train/dataset")
        let pipeline = fixture.directory.appendingPathComponent("tiny.yaml")
        try """
        name: tiny
        data: {shards: \(dataset.path)}
        batching: {batch_size: 16, max_length: 20, shuffle_buffer: 100}
        model: {embedding: 8, encoder: {cell: gru, hidden: 8}, latent: 2, decoder: {cell: gru, hidden: 8}}
        training: {epochs: 1, max_steps: 3, validate_every: 100, checkpoint_every: 100, log_every: 1, \
        seed: 1, samples: 0}
        output: \(fixture.directory.appendingPathComponent("run").path)
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        let result = try succeed(["train", pipeline.path])
        let sequences = try ShardedData(directory: dataset).sequences.count
        #expect(
            result.standardError.contains("Training from the token shards in \(dataset.path): \(sequences) sequences"),
            "\(result.standardError)")
    }

    @Test func shardFromTheEnvironmentAndTheFlagWinning() throws {
        let fixture = try Fixture()
        let inputs = fixture.fourFiles
        try succeed(["vocab", "--shard", "1/2"] + inputs + ["--counts-out", fixture.path("flag.counts")])
        try succeed(
            ["vocab"] + inputs + ["--counts-out", fixture.path("slurm.counts")],
            environment: ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "2"])
        try succeed(
            ["vocab", "--shard-count", "2"] + inputs + ["--counts-out", fixture.path("k8s.counts")],
            environment: ["JOB_COMPLETION_INDEX": "1"])
        try succeed(
            ["vocab", "--shard", "1/2"] + inputs + ["--counts-out", fixture.path("wins.counts")],
            environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3"])
        let expected = try Data(contentsOf: URL(fileURLWithPath: fixture.path("flag.counts")))
        for name in ["slurm", "k8s", "wins"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path("\(name).counts"))) == expected, "\(name)")
        }
    }

    @Test func badShardsAndInconsistentEnvironmentAreRefusedNamingTheSource() throws {
        let fixture = try Fixture()
        let inputs = fixture.fourFiles
        let out = ["--counts-out", fixture.path("x.counts")]
        try fail(["vocab", "--shard", "3/3"] + inputs + out, saying: "shard 3 does not exist among 3 shards")
        try fail(["vocab", "--shard", "two"] + inputs + out, saying: "'two' is not of the form I/N")
        try fail(["vocab", "--shard", "0/0"] + inputs + out, saying: "at least 1")
        try fail(
            ["vocab"] + inputs + out, environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": nil],
            saying: "SLURM_ARRAY_TASK_COUNT")
        try fail(
            ["vocab"] + inputs + out, environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"],
            saying: "SLURM_ARRAY_TASK_ID: task 4")
        try fail(
            ["vocab"] + inputs + out, environment: ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"],
            saying: "SLURM_ARRAY_TASK_ID: 'x' is not a non-negative integer")
        try fail(
            ["vocab"] + inputs + out, environment: ["JOB_COMPLETION_INDEX": "1"],
            saying: "JOB_COMPLETION_INDEX: it is set")
        try fail(
            ["vocab", "--shard-count", "3"] + inputs + out, environment: ["JOB_COMPLETION_INDEX": "3"],
            saying: "JOB_COMPLETION_INDEX: index 3 is not below --shard-count 3")
        try fail(
            ["vocab", "--shard-count", "3"] + inputs + out,
            environment: ["JOB_COMPLETION_INDEX": nil, "SLURM_ARRAY_TASK_ID": nil],
            saying: "JOB_COMPLETION_INDEX")
        try fail(
            ["vocab", "--shard-count", "3"] + inputs + out,
            environment: ["JOB_COMPLETION_INDEX": nil, "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"],
            saying: "SLURM_ARRAY_TASK_COUNT: the array has 4 tasks but --shard-count says 3")
        try fail(
            ["vocab", "--shard", "0/2"] + inputs + ["--out", fixture.path("v.json")],
            saying: "replace --out with --counts-out")
        try fail(
            ["vocab", "--shard", "0/2"] + inputs + out + ["--shard-block-records", "10"],
            saying: "--shard-block-records")
        try fail(["vocab"] + inputs + out + ["--shard-block-records", "10"], saying: "applies to a sharded run")
        try fail(
            ["vocab", "--shard", "0/2"] + inputs + out + ["--top", "5"], saying: "--top chooses the tokens printed")
        try fail(
            ["tokenize", "--shard", "0/2"] + inputs + ["--out", fixture.path("t")],
            saying: "needs the vocabulary of the whole corpus")
        try fail(
            ["tokenize", "--shard", "0/2", "-", "--out", fixture.path("t")],
            saying: "standard input ('-') cannot be sharded")
    }

    @Test func mergesRefuseMismatchedOrIncompleteParts() throws {
        let fixture = try Fixture()
        let inputs = fixture.fourFiles
        func counts(_ name: String, _ shard: String, _ extra: [String] = []) throws -> String {
            let path = fixture.path(name)
            try succeed(["vocab", "--shard", shard] + inputs + extra + ["--counts-out", path])
            return path
        }
        let zero = try counts("0.counts", "0/2"), one = try counts("1.counts", "1/2")
        let lowercased = try counts("1-lower.counts", "1/2", ["--lowercase"])
        let ofThree = try counts("1-of-3.counts", "1/3")
        try fail(
            ["vocab", "merge", zero, lowercased, "--out", fixture.path("v.json")], saying: "other tokenizer settings")
        try fail(["vocab", "merge", zero, ofThree, "--out", fixture.path("v.json")], saying: "another partition")
        try fail(
            ["vocab", "merge", zero, zero, one, "--out", fixture.path("v.json")],
            saying: "shard 0 is counted both here and in")
        try fail(["vocab", "merge", zero, "--out", fixture.path("v.json")], saying: "shard 1 is missing")
        // A damaged file is refused by its checksum.
        var damaged = try Data(contentsOf: URL(fileURLWithPath: one))
        damaged.removeLast(3)
        try damaged.write(to: URL(fileURLWithPath: fixture.path("damaged.counts")))
        try fail(
            ["vocab", "merge", zero, fixture.path("damaged.counts"), "--out", fixture.path("v.json")],
            saying: "truncated or was changed")

        // Two vocabularies: the workers' shards cannot form one dataset.
        try succeed(["vocab", "merge", zero, one, "--out", fixture.path("all.json")])
        try succeed(["vocab", "merge", zero, one, "--max-vocab", "100", "--out", fixture.path("small.json")])
        try succeed(
            ["tokenize", "--shard", "0/2"] + inputs + ["--vocab", fixture.path("all.json"), "--out", fixture.path("t0")]
        )
        try succeed(
            ["tokenize", "--shard", "1/2"] + inputs + [
                "--vocab", fixture.path("small.json"), "--out", fixture.path("t1")
            ])
        try fail(
            ["tokenize", "merge-manifests", fixture.path("t0"), fixture.path("t1"), "--out", fixture.path("ds")],
            saying: "another vocabulary")
        try fail(
            ["tokenize", "merge-manifests", fixture.path("t0"), "--out", fixture.path("ds")],
            saying: "shard 1/2 is missing")
        try succeed(["tokenize"] + inputs + ["--out", fixture.path("plain")])
        try fail(
            ["tokenize", "merge-manifests", fixture.path("t0"), fixture.path("plain"), "--out", fixture.path("ds")],
            saying: "not one worker's output of a sharded tokenize")
    }
}

/// A token-shard directory read through its manifest, as Python would: every shard's
/// sequences, in the manifest's order.
struct ShardedData {
    let manifest: [String: Any]
    let sequences: [[Int32]]

    init(directory: URL) throws {
        manifest = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
                as? [String: Any])
        var sequences: [[Int32]] = []
        for shard in try #require(manifest["shards"] as? [[String: Any]]) {
            let idsURL = directory.appendingPathComponent(try #require(shard["ids"] as? String))
            // 16-bit ids while the vocabulary fits (the manifest's id_width, every header's descr).
            let header = String(decoding: try Data(contentsOf: idsURL).prefix(128), as: UTF8.self)
            let ids: [Int32] =
                header.contains("'<u2'") ? try (Self.npy(idsURL) as [UInt16]).map(Int32.init) : try Self.npy(idsURL)
            let offsets: [Int64] = try Self.npy(
                directory.appendingPathComponent(try #require(shard["offsets"] as? String)))
            for index in 0..<offsets.count - 1 {
                sequences.append(Array(ids[Int(offsets[index])..<Int(offsets[index + 1])]))
            }
        }
        self.sequences = sequences
    }

    /// The little-endian values of a version 1 `.npy` file.
    static func npy<T: FixedWidthInteger>(_ url: URL) throws -> [T] {
        let data = try Data(contentsOf: url)
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let body = data.dropFirst(10 + headerLength)
        return stride(from: body.startIndex, to: body.endIndex, by: MemoryLayout<T>.size).map { start in
            body[start..<start + MemoryLayout<T>.size].reversed().reduce(T.zero) { $0 << 8 | T(truncatingIfNeeded: $1) }
        }
    }
}
