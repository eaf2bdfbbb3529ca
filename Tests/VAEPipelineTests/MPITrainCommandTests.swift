import Foundation
import Testing

/// `mpirun -np N vae-pipeline train`: data-parallel training across processes (Open MPI, loopback,
/// one thread per rank). Skipped, saying so, where `mpirun` is not installed
/// (`bash scripts/setup.sh tests` installs it).
@Suite(.serialized) struct MPITrainCommandTests {
    /// `mpirun` on the PATH, or nil.
    static let mpirun: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
    static let skipReason: Comment =
        "mpirun is not installed (bash scripts/setup.sh tests installs openmpi-bin); the MPI training tests are skipped"

    /// Runs `mpirun` with one or more `-np COUNT vae-pipeline ARGUMENTS` groups (separated by ':'
    /// as Open MPI's MPMD syntax), as root in CI, over shared memory; ends it after two minutes.
    static func run(_ groups: [(count: Int, arguments: [String])]) throws -> CommandRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["timeout", "120", mpirun!.path, "--allow-run-as-root", "--oversubscribe"]
        for (i, group) in groups.enumerated() {
            if i > 0 { arguments.append(":") }
            arguments += ["-np", "\(group.count)", CommandRunner.executable.path] + group.arguments
        }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_MCA_btl"] = "self,vader,tcp"
        process.environment = environment
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errorData = Data()
        let errorReader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errorReader.isExecuting || !errorReader.isFinished { usleep(1000) }
        return CommandRunner.Result(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    static let freeBits = "  free_bits: 0.1"

    /// The global-batch rule's exactness claim: two ranks × one slice compute what one process
    /// computes with two slices (the same slices, generators and per-slice figures; a gradient
    /// sum of two addends, the same in either order), so the weights and the optimiser state are
    /// bit-identical — free bits' batch KL included, and the weight average that every rank keeps.
    /// Resuming with the same number of ranks is exact too (a run without the average ends with
    /// the averaged runs' training weights: averaging never changes training); only rank 0 prints
    /// and writes.
    @Test(.enabled(if: mpirun != nil, skipReason))
    func twoRanksGiveTheWeightsOfOneProcessWithTwoSlicesAndResumeExactly() throws {
        let averaged = Self.freeBits + "\n  weight_average: {after: 0.5}"
        let one = try TrainCommandTests.Fixture(maxSteps: 20, extra: averaged)
        let two = try TrainCommandTests.Fixture(maxSteps: 20, extra: averaged)
        let parts = try TrainCommandTests.Fixture(maxSteps: 10, extra: Self.freeBits)
        defer { one.remove(); two.remove(); parts.remove() }
        let single = try CommandRunner.run(["train", one.pipeline.path, "--batch-shards", "2", "--workers", "1"])
        #expect(single.status == 0, "\(single.standardError)")
        let ranks = try Self.run([(2, ["train", two.pipeline.path, "--batch-shards", "1", "--workers", "1"])])
        #expect(ranks.status == 0, "\(ranks.standardError)")
        #expect(
            ranks.standardOutput.components(separatedBy: "Stopped: step limit reached — step 20").count == 2,
            "rank 0 alone prints: \(ranks.standardOutput)")
        #expect(ranks.standardOutput.contains("MPI: 2 processes × 1 slice"))
        #expect(ranks.standardError.contains("rank 0 of 2"))
        for file in ["model.safetensors", "training-weights.safetensors", "optimizer.safetensors"] {
            let path = "checkpoints/step-00000020/" + file
            #expect(
                try Data(contentsOf: one.run.appendingPathComponent(path))
                    == Data(contentsOf: two.run.appendingPathComponent(path)), "\(file)")
        }
        let state = try String(
            contentsOf: two.run.appendingPathComponent("checkpoints/step-00000020/state.json"), encoding: .utf8)
        #expect(state.contains("\"worldSize\" : 2") || state.contains("\"worldSize\":2"), "\(state)")
        #expect(state.contains("\"averagedSteps\" : 10") || state.contains("\"averagedSteps\":10"), "\(state)")
        let metrics = try String(contentsOf: two.run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains("\"allreduce_bytes\""))

        let first = try Self.run([(2, ["train", parts.pipeline.path, "--batch-shards", "1", "--workers", "1"])])
        #expect(first.status == 0, "\(first.standardError)")
        let resumed = try Self.run([(2, ["train", "--resume", parts.run.path, "--max-steps", "20", "--workers", "1"])])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(
            try Data(contentsOf: parts.run.appendingPathComponent("checkpoints/step-00000020/model.safetensors"))
                == Data(
                    contentsOf: two.run.appendingPathComponent("checkpoints/step-00000020/training-weights.safetensors")
                ))
    }

    /// A checkpoint written by two ranks × 1 slice resumes in one process: every process reads the
    /// same global batches, so the data goes on in the same order, and the one process takes both
    /// slices, so the run ends with the weights of one that never changed (here: one process × 2
    /// slices from the start). The change is announced naming the checkpoint's number of processes,
    /// and the new checkpoint records the new one.
    @Test(.enabled(if: mpirun != nil, skipReason))
    func anotherNumberOfRanksContinuesTheSameGlobalOrderExactly() throws {
        let fixture = try TrainCommandTests.Fixture(maxSteps: 10, extra: Self.freeBits)
        let whole = try TrainCommandTests.Fixture(maxSteps: 20, extra: Self.freeBits)
        defer { fixture.remove(); whole.remove() }
        let ranks = try Self.run([(2, ["train", fixture.pipeline.path, "--batch-shards", "1", "--workers", "1"])])
        #expect(ranks.status == 0, "\(ranks.standardError)")
        let resumed = try CommandRunner.run([
            "train", "--resume", fixture.run.path, "--max-steps", "20", "--workers", "1"
        ])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(
            resumed.standardError.contains("The checkpoint was written by 2 processes and this run has 1"),
            "\(resumed.standardError)")
        #expect(resumed.standardError.contains("batch 10 of epoch 1"))
        #expect(resumed.standardError.contains("the same 2 slices (1 × 2 now)"))
        let state = try String(
            contentsOf: fixture.run.appendingPathComponent("checkpoints/step-00000020/state.json"), encoding: .utf8)
        #expect(state.contains("\"worldSize\" : 1") || state.contains("\"worldSize\":1"), "\(state)")
        let single = try CommandRunner.run(["train", whole.pipeline.path, "--batch-shards", "2", "--workers", "1"])
        #expect(single.status == 0, "\(single.standardError)")
        let final = "checkpoints/step-00000020/model.safetensors"
        #expect(
            try Data(contentsOf: fixture.run.appendingPathComponent(final))
                == Data(contentsOf: whole.run.appendingPathComponent(final)))
    }

    /// Three ranks — the reduce-scatter's ring takes two steps, the shares are cut three ways, the
    /// touched rows of three ranks are merged — against one process with three slices: the same
    /// slices and noise, the gradient's three addends summed in another order, so the weights
    /// agree to float32 rounding (Adam may turn a rounding of a near-zero gradient into a step of
    /// the learning rate, so a few elements may differ by that much), and the losses closely.
    @Test(.enabled(if: mpirun != nil, skipReason))
    func threeRanksAgreeWithOneProcessOfThreeSlicesWithinRounding() throws {
        let one = try TrainCommandTests.Fixture(maxSteps: 10, extra: Self.freeBits)
        let three = try TrainCommandTests.Fixture(maxSteps: 10, extra: Self.freeBits)
        defer { one.remove(); three.remove() }
        let single = try CommandRunner.run(["train", one.pipeline.path, "--batch-shards", "3", "--workers", "1"])
        #expect(single.status == 0, "\(single.standardError)")
        let ranks = try Self.run([(3, ["train", three.pipeline.path, "--batch-shards", "1", "--workers", "1"])])
        #expect(ranks.status == 0, "\(ranks.standardError)")
        #expect(ranks.standardOutput.contains("MPI: 3 processes × 1 slice"))
        let path = "checkpoints/step-00000010/model.safetensors"
        let expected = try Self.tensors(one.run.appendingPathComponent(path))
        let found = try Self.tensors(three.run.appendingPathComponent(path))
        #expect(Set(expected.keys) == Set(found.keys))
        var elements = 0, apart = 0
        for (name, values) in expected {
            let other = try #require(found[name])
            #expect(other.count == values.count, "\(name)")
            for (a, b) in zip(values, other) {
                elements += 1
                if abs(a - b) > 1e-4 { apart += 1 }
                #expect(abs(a - b) <= 0.1, "\(name): \(a) vs \(b)")
            }
        }
        #expect(apart * 100 <= elements, "\(apart) of \(elements) weights differ by more than 1e-4")
        let losses = try [one, three].map { fixture in
            try String(contentsOf: fixture.run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
                .split(separator: "\n").compactMap { line -> Double? in
                    guard line.contains("\"kind\":\"train\""), line.contains("\"step\":10,") else { return nil }
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    return object?["loss"] as? Double
                }
        }
        let (a, b) = (try #require(losses[0].first), try #require(losses[1].first))
        #expect(abs(a - b) <= 1e-4 * abs(a), "loss at step 10: \(a) vs \(b)")
    }

    /// The float tensors of a safetensors file by name (little-endian F32 only).
    static func tensors(_ url: URL) throws -> [String: [Float]] {
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(
            try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        var tensors: [String: [Float]] = [:]
        for (name, value) in header where name != "__metadata__" {
            let entry = try #require(value as? [String: Any])
            #expect(entry["dtype"] as? String == "F32", "\(name)")
            let offsets = try #require(entry["data_offsets"] as? [Int])
            let bytes = data.subdata(in: (8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1]))
            tensors[name] = stride(from: 0, to: bytes.count, by: 4).map { i in
                let word = bytes[(bytes.startIndex + i)..<(bytes.startIndex + i + 4)]
                return Float(bitPattern: word.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
        }
        return tensors
    }

    /// One rank that cannot read its corpus ends the whole job at once (MPI_Abort), naming its
    /// rank and the reason; no rank is left waiting in a reduction.
    @Test(.enabled(if: mpirun != nil, skipReason))
    func aFailingRankEndsTheJobNamingItsRankAndTheReason() throws {
        let fixture = try TrainCommandTests.Fixture(maxSteps: 10)
        defer { fixture.remove() }
        let broken = fixture.directory.appendingPathComponent("broken.yaml")
        try String(contentsOf: fixture.pipeline, encoding: .utf8)
            .replacingOccurrences(of: "inputs: [sentences.txt]", with: "inputs: [missing.txt]")
            .write(to: broken, atomically: true, encoding: .utf8)
        let result = try Self.run([
            (1, ["train", fixture.pipeline.path, "--workers", "1"]), (1, ["train", broken.path, "--workers", "1"])
        ])
        #expect(
            result.status != 0 && result.status != 124,
            "ended by the failing rank, not by the timeout: \(result.status)")
        #expect(result.standardError.contains("rank 1 of 2: Error:"), "\(result.standardError)")
        #expect(result.standardError.contains("missing.txt"))
    }

    /// A binary says whether it can train across processes.
    @Test func versionSaysWhetherMPIIsAvailable() throws {
        let result = try CommandRunner.run(
            ["--version"], environment: ["OMPI_COMM_WORLD_SIZE": nil, "OMPI_COMM_WORLD_RANK": nil])
        #expect(result.status == 0)
        let line = try #require(result.standardOutput.split(separator: "\n").first { $0.hasPrefix("MPI: ") })
        #expect(line.contains("not launched by mpirun") || line.contains("not available"), "\(line)")
    }

    /// Launched by mpirun (its environment) but without a usable Open MPI library: a clear
    /// error naming the rank and the library, never a silent single-process run.
    @Test func launchedByMPIRunWithoutTheLibraryIsAClearError() throws {
        let fixture = try TrainCommandTests.Fixture(maxSteps: 2)
        defer { fixture.remove() }
        let environment: [String: String?] = [
            "OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1",
            "VAE_PIPELINE_LIBMPI": "libmpi-not-here.so.40"
        ]
        let result = try CommandRunner.run(["train", fixture.pipeline.path], environment: environment)
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("rank 1 of 2: Error: MPI: libmpi-not-here.so.40 cannot be used"),
            "\(result.standardError)")
        let version = try CommandRunner.run(
            ["--version"], environment: ["VAE_PIPELINE_LIBMPI": "libmpi-not-here.so.40"])
        #expect(
            version.standardOutput.contains("MPI: not available (libmpi-not-here.so.40"), "\(version.standardOutput)")
        #expect(!FileManager.default.fileExists(atPath: fixture.run.path), "nothing was trained or written")
    }

    /// Under mpirun, commands other than train refuse to run N copies of themselves.
    @Test func otherCommandsRefuseToRunUnderMPIRun() throws {
        let result = try CommandRunner.run(
            ["vocab", "x.txt"], environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("only 'vae-pipeline train' runs under mpirun"))
    }
}
