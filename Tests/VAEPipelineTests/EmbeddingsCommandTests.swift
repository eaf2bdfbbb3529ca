import Foundation
import Testing

@Suite struct EmbeddingsCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("embeddings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesAMatrixThatNumPyLoadsWithTheFilesRows() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sentences = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let glove = corporaDirectory.appendingPathComponent("glove.6B.50d.top50k.txt.gz").path
        let vocab = directory.appendingPathComponent("vocab.json").path
        let made = try CommandRunner.run(["vocab", sentences, "--lowercase", "--max-vocab", "5000", "--out", vocab])
        #expect(made.status == 0, "\(made.standardError)")
        let out = directory.appendingPathComponent("M.npy").path

        let result = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", glove, "--out", out, "--oov", "zero"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("glove, dimension 50"))
        #expect(result.standardOutput.contains("read        50,000 lines"))
        #expect(result.standardOutput.contains("coverage    "))
        #expect(result.standardOutput.contains("no vector   yahweh"))
        #expect(result.standardOutput.contains("skipped     none"))
        #expect(result.standardOutput.contains("wrote       \(out) (5,000 × 50 float32)"))

        let json = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", glove, "--out", out, "--json", "--seed", "3"
        ])
        #expect(json.status == 0, "\(json.standardError)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(report["dimension"] as? Int == 50)
        #expect(report["rows"] as? Int == 5000)
        #expect(report["format"] as? String == "glove")
        #expect(report["linesRead"] as? Int == 50_000)
        #expect((report["typeCoverage"] as? Double ?? 0) > 0.8)
        #expect((report["oovExamples"] as? [Any])?.count == 10)
        #expect(report["oovPolicy"] as? String == "random")

        guard (try? CommandRunner.runTool(["python3", "-c", "import numpy"])) != nil else { return }
        let check = try CommandRunner.runTool(
            [
                "python3", "-c",
                """
                import gzip, json, numpy as np
                m = np.load('M.npy')
                tokens = [t[0] for t in json.load(open('vocab.json'))['tokens']]
                rows = {}
                for line in gzip.open('\(glove)', 'rt', encoding='utf-8'):
                    token, rest = line.rstrip('\\n').split(' ', 1)
                    rows.setdefault(token, rest)
                found = [i for i, t in enumerate(tokens) if i > 0 and t in rows]
                exact = all(np.array_equal(m[i], np.array(rows[tokens[i]].split(), dtype=np.float32)) for i in found)
                print(m.dtype, m.shape, m.flags['C_CONTIGUOUS'], exact, not m[0].any(),
                      m[tokens.index('the')][:2].tolist())
                """
            ], in: directory)
        #expect(
            check.hasPrefix("float32 (5000, 50) True True True [0.4180000126361847, 0.24967999756336212]"), "\(check)")
    }

    @Test func membersStrictErrorsAndAMissingVocabularyAreSentences() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sentences = directory.appendingPathComponent("s.txt")
        try "the cat sat on the mat\n".write(to: sentences, atomically: true, encoding: .utf8)
        let vocab = directory.appendingPathComponent("vocab.json").path
        #expect(try CommandRunner.run(["vocab", sentences.path, "--out", vocab]).status == 0)
        try CommandRunner.runTool(
            [
                "python3", "-c",
                """
                import zipfile
                with zipfile.ZipFile('g.zip', 'w') as z:
                    z.writestr('g.50d.txt', 'the 1 2\\ncat 3 4\\n')
                    z.writestr('g.100d.txt', 'the 1 2 3\\ncat 3 4\\n')
                """
            ], in: directory)
        let zip = directory.appendingPathComponent("g.zip").path
        let out = directory.appendingPathComponent("m.npy").path

        let ambiguous = try CommandRunner.run(["embeddings", "--vocab", vocab, "--vectors", zip, "--out", out])
        #expect(ambiguous.status != 0)
        #expect(ambiguous.standardError.contains("holds 2 members to read ('g.50d.txt', 'g.100d.txt')"))
        #expect(ambiguous.standardError.contains("--member"))
        #expect(!FileManager.default.fileExists(atPath: out))

        let chosen = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", zip, "--member", "*.50d.txt", "--out", out, "--oov", "unk"
        ])
        #expect(chosen.status == 0, "\(chosen.standardError)")
        #expect(chosen.standardOutput.contains("member 'g.50d.txt'"))
        #expect(chosen.standardOutput.contains("<unk>: the mean of the matched vectors"))

        // One line of 3 values, one of 2: no majority, so the dimension must be given.
        let ambiguousDimension = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", zip, "--member", "*.100d.txt", "--out", out
        ])
        #expect(ambiguousDimension.status != 0)
        #expect(
            ambiguousDimension.standardError.contains(
                "disagree about the dimension (1 lines each have 2, 3 values); give the right one with --dimension "
                    + "(embeddings.dimension in a pipeline file)"),
            "\(ambiguousDimension.standardError)")

        let strict = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", zip, "--member", "*.100d.txt", "--dimension", "3", "--strict",
            "--out", out
        ])
        #expect(strict.status != 0)
        #expect(strict.standardError.contains("'\(zip)', member 'g.100d.txt', line 2:"), "\(strict.standardError)")

        let lenient = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", zip, "--member", "*.100d.txt", "--dimension", "3", "--out", out
        ])
        #expect(lenient.standardOutput.contains("dimension 3 (set by --dimension)"), "\(lenient.standardOutput)")
        #expect(
            lenient.standardOutput.contains("skipped     1 line: wrong dimension 1 (line 2)"),
            "\(lenient.standardOutput)")

        let piped = try CommandRunner.run(
            ["embeddings", "--vocab", vocab, "--vectors", "-", "--out", out, "--json"],
            standardInput: Data("cat 1 2 3\nthe 4 5 6\n".utf8))
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardOutput.contains("\"dimension\":3"))

        let missing = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", directory.appendingPathComponent("nope.txt").path, "--out", out
        ])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("nope.txt': no such file."))
    }

    @Test func badValuesAreReportedByReasonAndLineAndTheWrittenMatrixIsFinite() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sentences = directory.appendingPathComponent("s.txt")
        try "the cat sat on the mat\n".write(to: sentences, atomically: true, encoding: .utf8)
        let vocab = directory.appendingPathComponent("vocab.json").path
        #expect(try CommandRunner.run(["vocab", sentences.path, "--out", vocab]).status == 0)
        let vectors = directory.appendingPathComponent("v.txt")
        try "the 1 2 3\ncat nan 1 2\nsat 1e40 1 2\non 1 2\nmat 4 5 6\n".write(
            to: vectors, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("m.npy").path

        let result = try CommandRunner.run(["embeddings", "--vocab", vocab, "--vectors", vectors.path, "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardOutput.contains("dimension 3 (the most common in the first 5 vector lines (4 of them))"),
            "\(result.standardOutput)")
        #expect(
            result.standardOutput.contains(
                "skipped     3 lines: wrong dimension 1 (line 4); non-finite value 1 (line 2); "
                    + "value out of Float32 range 1 (line 3)"
            ),
            "\(result.standardOutput)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        // 9 vocabulary rows.
        let values = data.suffix(9 * 3 * 4).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(values.count == 27 && values.allSatisfy { $0.isFinite })

        let json = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", vectors.path, "--out", out, "--json"
        ])
        #expect(json.standardOutput.contains("\"reason\":\"non-finite value\""), "\(json.standardOutput)")
        #expect(
            json.standardOutput.contains(
                "\"dimensionSource\":\"the most common in the first 5 vector lines (4 of them)\""))

        // A misaligned binary file: an error naming file and record, and nothing written.
        try FileManager.default.removeItem(atPath: out)
        var binary = Data("2 2\n".utf8)
        for (token, vector) in [("the", [Float(1), 2]), ("new york", [3, 4])] {
            binary.append(Data((token + " ").utf8))
            for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { binary.append(contentsOf: $0) } }
            binary.append(0x0A)
        }
        let binaryPath = directory.appendingPathComponent("v.bin").path
        try binary.write(to: URL(fileURLWithPath: binaryPath))
        let misaligned = try CommandRunner.run(["embeddings", "--vocab", vocab, "--vectors", binaryPath, "--out", out])
        #expect(misaligned.status != 0)
        #expect(misaligned.standardError.contains("'\(binaryPath)', record 2:"), "\(misaligned.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let tooWide = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", vectors.path, "--out", out, "--max-dimension", "2"
        ])
        #expect(
            tooWide.status != 0 && tooWide.standardError.contains("more than --max-dimension (2) allows"),
            "\(tooWide.standardError)")

        // The options' bounds are the library's, the names the command's flags.
        let outOfBounds = try CommandRunner.run([
            "embeddings", "--vocab", vocab, "--vectors", vectors.path, "--out", out,
            "--max-dimension", "10", "--dimension", "20"
        ])
        #expect(
            outOfBounds.status != 0
                && outOfBounds.standardError.contains(
                    "--dimension must be between 1 and --max-dimension (10); 20 was given."),
            "\(outOfBounds.standardError)")
    }

    @Test func helpStatesTheBounds() throws {
        let help = try CommandRunner.run(["embeddings", "--help"])
        let text = help.standardOutput + help.standardError
        for phrase in [
            "--max-dimension", "10,000", "1,000,000", "--dimension", "--max-value", "available memory", "first 100"
        ] {
            #expect(text.contains(phrase), "\(phrase)")
        }
    }
}
