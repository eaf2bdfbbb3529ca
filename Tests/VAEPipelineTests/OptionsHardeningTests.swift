import Foundation
import Testing

/// Issue #17: every option is honoured or refused with a sentence, never accepted and ignored.
@Suite struct OptionsHardeningTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func tokenizeRefusesTokenizerOptionsThatDisagreeWithTheLoadedVocabulary() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("t.txt")
        try "One two.\nThree four five.\n".write(to: input, atomically: true, encoding: .utf8)
        let vocab = directory.appendingPathComponent("vocab.json").path
        #expect(try CommandRunner.run(["vocab", input.path, "--out", vocab]).status == 0)
        for (extra, named) in [
            (["--level", "character"], "--level character"), (["--normalization", "nfkc"], "--normalization nfkc"),
            (["--lowercase"], "--lowercase"), (["--lowercase-locale", "tr"], "--lowercase-locale tr"),
            (["--drop-punctuation"], "--drop-punctuation")
        ] {
            let out = directory.appendingPathComponent("out-\(UUID().uuidString)").path
            let result = try CommandRunner.run(["tokenize", input.path, "--vocab", vocab, "--out", out] + extra)
            #expect(result.status != 0, "\(extra)")
            #expect(
                result.standardError.contains(named) && result.standardError.contains("differs from the vocabulary"),
                "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: out), "nothing is written when refused")
        }
        // Options that agree with the vocabulary (here its defaults) are honoured trivially.
        let same = try CommandRunner.run([
            "tokenize", input.path, "--vocab", vocab, "--level", "word", "--normalization", "nfc",
            "--out", directory.appendingPathComponent("same").path
        ])
        #expect(same.status == 0, "\(same.standardError)")
        // Limits on building a vocabulary cannot apply to a loaded one.
        for flag in ["--min-count", "--max-distinct-tokens", "--max-vocab"] {
            let result = try CommandRunner.run([
                "tokenize", input.path, "--vocab", vocab, flag, "5000", "--out",
                directory.appendingPathComponent("x").path
            ])
            #expect(result.status != 0)
            #expect(
                result.standardError.contains("--vocab loads a finished vocabulary, so \(flag)"),
                "\(result.standardError)")
        }
    }

    @Test func formatSpecificOptionsAreRefusedWhereTheFormatIgnoresThem() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = Data("text,label\nhello there,1\n".utf8)
        let out = directory.appendingPathComponent("out").path
        let stdin = try CommandRunner.run(["tokenize", "-", "--column", "text", "--out", out], standardInput: csv)
        #expect(stdin.status != 0)
        #expect(
            stdin.standardError.contains("standard input") && stdin.standardError.contains("--format csv"),
            "\(stdin.standardError)")
        // With --format csv the column is honoured: one record, the text column only.
        let honoured = try CommandRunner.run(
            ["tokenize", "-", "--format", "csv", "--column", "text", "--out", out, "--json"], standardInput: csv)
        #expect(honoured.status == 0, "\(honoured.standardError)")
        #expect(
            honoured.standardOutput.contains("\"records\" : 1") || honoured.standardOutput.contains("\"records\":1"),
            "\(honoured.standardOutput)")
        let lines = try CommandRunner.run(["inspect", "-", "--format", "lines", "--column", "text"], standardInput: csv)
        #expect(lines.status != 0)
        #expect(lines.standardError.contains("--column applies to csv or tsv input only"), "\(lines.standardError)")
        let field = try CommandRunner.run(["inspect", "-", "--format", "csv", "--field", "text"], standardInput: csv)
        #expect(field.status != 0)
        #expect(field.standardError.contains("--field applies to jsonl input only"), "\(field.standardError)")
        let named = directory.appendingPathComponent("notes.txt")
        try csv.write(to: named)
        let byName = try CommandRunner.run(["inspect", named.path, "--delimiter", ";"])
        #expect(byName.status != 0)
        #expect(byName.standardError.contains("reads '\(named.path)' as lines"), "\(byName.standardError)")
        let eval = try CommandRunner.run(
            ["eval", directory.path, "--corpus", "-", "--column", "text"], standardInput: csv)
        #expect(eval.status != 0)
        #expect(eval.standardError.contains("--format csv"), "\(eval.standardError)")
    }

    /// Checked while parsing, before the run is loaded: the run directory need not exist.
    @Test func decodingFlagsAreRefusedUnderAMethodThatIgnoresThem() throws {
        let missing = "/nonexistent-run"
        let cases: [([String], String)] = [
            (["sample", missing, "--temperature", "0.5"], "--temperature applies to --decoding sample only"),
            (["sample", missing, "--decoding", "beam", "--top-k", "3"], "--top-k applies to --decoding sample only"),
            (["reconstruct", missing, "x", "--beam-width", "3"], "--beam-width applies to --decoding beam only"),
            (
                ["interpolate", missing, "a", "b", "--decoding", "sample", "--beam-width", "3"],
                "--beam-width applies to --decoding beam only"
            ),
            (
                ["sample", missing, "--decoding", "beam", "--beam-width", "100000"],
                "--beam-width must be between 1 and 1000"
            ),
            (["reconstruct", missing, "x", "--seed", "7"], "--seed changes nothing here"),
            (["interpolate", missing, "a", "b", "--decoding", "beam", "--seed", "7"], "--seed changes nothing here"),
            (["batches", "--shards", missing, "--seed", "7"], "--seed seeds the shuffle"),
            (["batches", "--shards", missing, "--bucket-mode", "edge"], "--bucket-mode applies to buckets"),
            (
                ["batches", "--shards", missing, "--split", "validation"],
                "--split validation needs --validation-fraction"
            ),
            (["vocab", missing, "--out", "/tmp/v.json", "--top=-1"], "--top cannot be negative")
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    /// nfkc_casefold, Lithuanian lowercasing: no tokenizer.json can express them, so it is skipped
    /// with one line and the command succeeds (it used to exit 1 after the whole pass).
    @Test func inexpressibleTokenizerJSONIsSkippedNotFatal() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("t.txt")
        try "Straße ONE two.\nThree four five.\n".write(to: input, atomically: true, encoding: .utf8)
        for extra in [
            ["--normalization", "nfkc_casefold"], ["--lowercase-locale", "lt"],
            ["--lowercase-locale", "tr", "--normalization", "none"]
        ] {
            let out = directory.appendingPathComponent("out-\(UUID().uuidString)")
            let result = try CommandRunner.run(["tokenize", input.path, "--out", out.path] + extra)
            #expect(result.status == 0, "\(extra): \(result.standardError)")
            #expect(result.standardError.contains("tokenizer.json not written:"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("tokenizer.json").path))
            let manifest = try #require(
                JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                    as? [String: Any])
            let vocabularyInfo = try #require(manifest["vocabulary"] as? [String: Any])
            #expect(
                vocabularyInfo["hugging_face_file"] == nil && vocabularyInfo["file"] as? String == "vocab.json",
                "the manifest names no tokenizer.json")
            let vocab = try CommandRunner.run(
                ["vocab", input.path, "--out", out.appendingPathComponent("vocab-built.json").path] + extra)
            #expect(vocab.status == 0, "\(extra): \(vocab.standardError)")
            #expect(vocab.standardError.contains("tokenizer.json not written:"))
        }
        // Expressible now: drop-punctuation and Turkish lowercasing after NFC.
        for extra in [["--drop-punctuation"], ["--lowercase-locale", "tr"]] {
            let out = directory.appendingPathComponent("out-\(UUID().uuidString)")
            let result = try CommandRunner.run(["tokenize", input.path, "--out", out.path] + extra)
            #expect(result.status == 0, "\(extra): \(result.standardError)")
            #expect(
                FileManager.default.fileExists(atPath: out.appendingPathComponent("tokenizer.json").path), "\(extra)")
        }
    }
}

/// Commands that run a trained model, on a tiny model trained for a few steps.
@Suite(.serialized) struct ModelCommandOptionsTests {
    @Test func encodeWritesLogVariancesBesideTheMeansAndSampleStreams() throws {
        let fixture = try TrainCommandTests.Fixture(maxSteps: 2)
        defer { fixture.remove() }
        let trained = try CommandRunner.run(["train", fixture.pipeline.path, "--workers", "2"])
        #expect(trained.status == 0, "\(trained.standardError)")
        let run = fixture.run.path

        let npy = fixture.directory.appendingPathComponent("z.npy")
        let encode = try CommandRunner.run(
            ["encode", run, "--out", npy.path, "--with-variance"],
            standardInput: Data("god saw the light.\nthe earth was empty.\nand there was light.\n".utf8))
        #expect(encode.status == 0, "\(encode.standardError)")
        let variances = fixture.directory.appendingPathComponent("z.logvar.npy")
        #expect((try? Data(contentsOf: npy))?.count == 128 + 3 * 4 * 4)
        #expect((try? Data(contentsOf: variances))?.count == 128 + 3 * 4 * 4, "the log-variances go to z.logvar.npy")
        #expect(encode.standardError.contains("log-variances to \(variances.path)"))

        // Greedy sentences are the same whether drawn in one group or several.
        let few = try CommandRunner.run(["sample", run, "--count", "5"])
        let many = try CommandRunner.run(["sample", run, "--count", "600"])
        #expect(many.status == 0, "\(many.standardError)")
        let manyLines = many.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(manyLines.count == 600)
        #expect(
            Array(manyLines.prefix(5))
                == few.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast())

        // A count that could never be held prints its first sentences at once (it used to
        // collect every sentence before printing any).
        #expect(try firstLines(of: ["sample", run, "--count", "100000000"], count: 300, within: .seconds(60)) >= 300)
    }

    /// Starts the command, reads standard output until `count` lines arrived or `limit` passed,
    /// then kills it; returns how many lines arrived. (SIGKILL: the test runner's threads may
    /// block SIGTERM, and a spawned child inherits that mask.)
    private func firstLines(of arguments: [String], count: Int, within limit: Duration) throws -> Int {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let pid = process.processIdentifier
        // At the deadline the child is killed, which ends the reads below with end of file.
        let seconds = Double(limit.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { kill(pid, SIGKILL) }
        var lines = 0
        while lines < count {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            lines += data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        kill(pid, SIGKILL)
        process.waitUntilExit()
        if lines < count {
            let standardError = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            Issue.record("\(lines) lines; standard error: \(standardError)")
        }
        return lines
    }
}
