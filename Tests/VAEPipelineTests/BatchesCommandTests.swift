import Foundation
import Testing

@Suite struct BatchesCommandTests {
    @Test func reportsBatchesPaddingAndDrops() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("batches-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let shards = directory.appendingPathComponent("tokens").path
        let tokenize = try CommandRunner.run([
            "tokenize", corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path,
            "--lowercase", "--max-vocab", "2000", "--out", shards
        ])
        #expect(tokenize.status == 0, "\(tokenize.standardError)")

        func run(_ extra: [String]) throws -> [String: Any] {
            let result = try CommandRunner.run(["batches", "--shards", shards, "--batch-size", "64", "--json"] + extra)
            #expect(result.status == 0, "\(result.standardError)")
            return try #require(
                try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        }
        let plain = try run([])
        let bucketed = try run(["--buckets", "8,12,16,24,32", "--shuffle-buffer", "5000", "--seed", "3"])
        // Every one of the 50,155 sentences has a token, so all are batched either way…
        #expect(plain["rows"] as? Int == 50_155)
        #expect(bucketed["rows"] as? Int == 50_155)
        // … and bucketing by length wastes far less on padding.
        let plainEfficiency = try #require(plain["paddingEfficiency"] as? Double)
        let bucketedEfficiency = try #require(bucketed["paddingEfficiency"] as? Double)
        #expect(bucketedEfficiency > plainEfficiency + 0.2)

        let dropped = try run([
            "--max-length", "20", "--over-length", "drop", "--split", "train", "--validation-fraction", "0.1"
        ])
        let report = try #require(dropped["report"] as? [String: Any])
        let tooLong = try #require(report["droppedTooLong"] as? Int)
        #expect(tooLong > 0)
        #expect((dropped["rows"] as? Int ?? 0) + tooLong < 50_155, "the validation tenth is left out")

        let bad = try CommandRunner.run(["batches", "--shards", shards, "--buckets", "12,8"])
        #expect(bad.status != 0)
        #expect(!bad.standardError.isEmpty)
    }
}
