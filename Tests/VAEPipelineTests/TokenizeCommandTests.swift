import Foundation
import Testing

@Suite struct TokenizeCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesShardsVocabularyAndManifestThatNumPyReads() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("tokens").path
        let penguins = corporaDirectory.appendingPathComponent("penguins_raw.csv").path
        let result = try CommandRunner.run([
            "tokenize", penguins, "--column", "Comments", "--lowercase", "--max-vocab", "50",
            "--max-length", "8", "--bos-eos", "--out", out, "--shard-sequences", "100"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("records     344"))
        let manifestURL = URL(fileURLWithPath: out).appendingPathComponent("manifest.json")
        let manifest = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        let counts = try #require(manifest["counts"] as? [String: Int])
        #expect(counts["records"] == 344)
        #expect((manifest["shards"] as? [Any])?.count == 4)  // 344 sequences, 100 per shard
        // The Comments column has fewer distinct words than --max-vocab allows.
        let size = try #require((manifest["vocabulary"] as? [String: Any])?["size"] as? Int)
        #expect(size > 10 && size <= 50)
        for name in ["vocab.json", "tokenizer.json", "shard-00000.ids.npy", "shard-00003.offsets.npy"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
        }
        guard (try? CommandRunner.runTool(["python3", "-c", "import numpy"])) != nil else { return }
        let decoded = try CommandRunner.runTool(
            [
                "python3", "-c",
                """
                import json, numpy as np
                v = json.load(open('vocab.json'))['tokens']
                ids = np.load('shard-00000.ids.npy', mmap_mode='r'); o = np.load('shard-00000.offsets.npy')
                print(ids.dtype, o.dtype, len(o) - 1,
                      ' '.join(v[i][0] if isinstance(v[i], list) else v[i] for i in ids[o[0]:o[1]]))
                """
            ], in: URL(fileURLWithPath: out))
        #expect(decoded.hasPrefix("uint16 int64 100 <bos> not enough blood for"))
    }

    /// Ids are 16-bit while the vocabulary fits (the manifest and every file's header say so), 32-bit beyond.
    @Test(arguments: [(65_532, "<u2", 2), (65_533, "<i4", 4)])
    func idsAreSixteenBitWhileTheVocabularyFits(words: Int, idWidth: String, bytes: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Every word once, plus the four special tokens: a vocabulary of words + 4 entries.
        let input = directory.appendingPathComponent("words.txt")
        try (0..<words).map { "w\($0)" }.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("tokens").path
        let result = try CommandRunner.run(["tokenize", input.path, "--max-vocab", "70000", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let manifestURL = URL(fileURLWithPath: out).appendingPathComponent("manifest.json")
        let manifest = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        #expect((manifest["vocabulary"] as? [String: Any])?["size"] as? Int == words + 4)
        #expect(manifest["id_width"] as? String == idWidth)
        #expect(manifest["version"] as? Int == 2)
        let ids = try Data(contentsOf: URL(fileURLWithPath: out + "/shard-00000.ids.npy"))
        #expect(ids.count == 128 + words * bytes)
        #expect(String(decoding: ids.prefix(128), as: UTF8.self).contains("'descr': '\(idWidth)'"))
    }

    @Test func refusesToReplaceACompleteRunWithoutOverwrite() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("t.txt")
        try "one two\nthree four five\n".write(to: input, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out").path
        #expect(try CommandRunner.run(["tokenize", input.path, "--out", out]).status == 0)
        let again = try CommandRunner.run(["tokenize", input.path, "--out", out])
        #expect(again.status != 0)
        #expect(again.standardError.contains("already holds a complete tokenization"))
        let replaced = try CommandRunner.run([
            "tokenize", input.path, "--out", out, "--overwrite", "--max-length", "2", "--over-length", "drop"
        ])
        #expect(replaced.status == 0, "\(replaced.standardError)")
        #expect(replaced.standardOutput.contains("dropped too long 1"))
    }

    @Test func vocabPrintsCoverageAndWritesBothFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sentences = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let out = directory.appendingPathComponent("vocab.json").path
        let result = try CommandRunner.run([
            "vocab", sentences, "--lowercase", "--max-vocab", "1000", "--out", out, "--top", "3"
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("records     50,155"))
        #expect(result.standardOutput.contains("vocabulary  1,000 ids"))
        #expect(result.standardOutput.contains("top         , "))
        #expect(result.standardOutput.contains("coverage    "))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tokenizer.json").path))
    }
}

@Suite struct TokenizeSinglePassTests {
    /// With `<bos>`/`<eos>` the provisional shards are written anew; without them they are
    /// remapped in place and moved: both must equal encoding with the finished vocabulary.
    @Test(arguments: [true, false])
    func singlePassEqualsEncodingWithTheFinishedVocabulary(beginAndEnd: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "single-pass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sentences = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let first = directory.appendingPathComponent("built").path
        let second = directory.appendingPathComponent("loaded").path
        let common =
            ["--lowercase", "--max-length", "12", "--shard-sequences", "20000"] + (beginAndEnd ? ["--bos-eos"] : [])
        let built = try CommandRunner.run(["tokenize", sentences, "--max-vocab", "3000", "--out", first] + common)
        #expect(built.status == 0, "\(built.standardError)")
        let loaded = try CommandRunner.run(
            ["tokenize", sentences, "--vocab", first + "/vocab.json", "--out", second] + common)
        #expect(loaded.status == 0, "\(loaded.standardError)")
        for shard in 0..<3 {
            for kind in ["ids", "offsets"] {
                let name = String(format: "shard-%05d.%@.npy", shard, kind)
                let a = try Data(contentsOf: URL(fileURLWithPath: first + "/" + name))
                let b = try Data(contentsOf: URL(fileURLWithPath: second + "/" + name))
                #expect(a == b, "\(name) differs")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: first + "/.provisional"))
        let names = try FileManager.default.contentsOfDirectory(atPath: first).filter { $0.hasPrefix("shard-") }
        #expect(names.count == 6 && !names.contains { $0.hasSuffix(".tmp") }, "\(names)")
        #expect(
            built.standardOutput.components(separatedBy: "\n").filter { $0.hasPrefix("unknown") }
                == loaded.standardOutput.components(separatedBy: "\n").filter { $0.hasPrefix("unknown") })
    }
}
