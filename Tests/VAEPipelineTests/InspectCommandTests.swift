import Foundation
import Testing

@Suite struct InspectCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func reportsTheShippedSentencesCorpus() throws {
        let path = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let result = try CommandRunner.run(["inspect", path, "--json", "--samples", "3"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result.standardOutput)
        #expect(report["records"] as? Int == 50_155)
        #expect(report["skipped_total"] as? Int == 0)
        let members = try #require(report["members"] as? [[String: Any]])
        #expect(members.first?["compression"] as? [String] == ["gzip"])
        #expect(members.first?["format"] as? String == "lines")
        let words = try #require(report["words"] as? [String: Any])
        #expect(words["p50"] as? Int == 15)
        #expect((report["samples"] as? [Any])?.count == 3)
    }

    @Test func readsCSVColumnsFromStandardInput() throws {
        let csv = "id,question1,question2\n1,\"What, exactly?\",\"Why \"\"not\"\"?\"\n2,short,\"two\nlines\"\n"
        let result = try CommandRunner.run(
            ["inspect", "-", "--format", "csv", "--column", "question1", "--column", "question2", "--json"],
            standardInput: Data(csv.utf8))
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result.standardOutput)
        #expect(report["records"] as? Int == 4)
        let headers = try #require(report["headers"] as? [[String: Any]])
        #expect(headers.first?["columns"] as? [String] == ["id", "question1", "question2"])
        let samples = try #require(report["samples"] as? [[String: Any]])
        #expect(samples.map { $0["text"] as? String } == ["What, exactly?", "Why \"not\"?", "short", "two\nlines"])
    }

    @Test func detectsCompressionOnStandardInput() throws {
        // The shipped gzip file piped in: no name to go by, and the stream cannot seek.
        let gzipped = try Data(contentsOf: corporaDirectory.appendingPathComponent("web_sentences.txt.gz"))
        let result = try CommandRunner.run(["inspect", "-", "--json", "--samples", "0"], standardInput: gzipped)
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result.standardOutput)
        #expect(report["records"] as? Int == 50_155)
        let members = try #require(report["members"] as? [[String: Any]])
        #expect(members.first?["compression"] as? [String] == ["gzip"])
        #expect(members.first?["input"] as? String == "-")
    }

    @Test func humanReportShowsColumnsSkipsAndSamples() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.csv").path
        try "a,b\n1,2\n3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["inspect", path, "--column", "b"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("columns     0:a  1:b"))
        #expect(result.standardOutput.contains("skipped     1"))
        #expect(result.standardOutput.contains("\(path):3: the row has 1 field, but the header has 2."))
        let strict = try CommandRunner.run(["inspect", path, "--column", "b", "--strict"])
        #expect(strict.status != 0)
        #expect(strict.standardError.contains("\(path):3: the row has 1 field"))
    }

    @Test func badPathsAndOptionsGiveFullSentenceErrors() throws {
        let missing = try CommandRunner.run(["inspect", "/nonexistent/corpus.csv"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("Cannot read '/nonexistent/corpus.csv': no such file."))
        let directory = try CommandRunner.run(["inspect", corporaDirectory.path])
        #expect(directory.standardError.contains("is a directory"))
        let noInput = try CommandRunner.run(["inspect"])
        #expect(noInput.status != 0)
        #expect(noInput.standardError.contains("Name at least one corpus file"))
        let column = try CommandRunner.run([
            "inspect", corporaDirectory.appendingPathComponent("penguins_raw.csv").path, "--column", "nope"
        ])
        #expect(column.standardError.contains("Column 'nope' is not in the header"))
    }

    @Test func helpListsTheCommands() throws {
        let result = try CommandRunner.run(["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("inspect"))
    }
}
