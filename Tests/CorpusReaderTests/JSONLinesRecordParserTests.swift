import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

@Suite struct JSONLinesRecordParserTests {
    @Test func readsNamedStringFieldsWithEscapes() async throws {
        let directory = try TemporaryDirectory()
        let lines = [
            #"{"id": 1, "text": "plain", "meta": {"tags": ["a", "b"], "n": -1.5e3}}"#,
            #"{"text": "quote \" backslash \\ newline \n tab \t slash \/ é \u00e9 emoji \ud83d\ude00", "ok": true}"#,
            #"{"title": "t", "text": "two fields"}"#
        ]
        let path = try directory.write("d.jsonl", lines.joined(separator: "\n"))
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        let escaped = "quote \" backslash \\ newline \n tab \t slash / é é emoji 😀"
        #expect(outcome.records == ["plain", escaped, "two fields"])
        let both = try await readAll([path]) { $0.jsonFields = ["title", "text"] }
        #expect(both.records == ["plain", escaped, "t", "two fields"])
        #expect(both.fields == [1, 1, 0, 1])
        #expect(both.report.skippedByKind["missing-field"] == 2)
    }

    @Test func badLinesAreSkippedAndCountedByReason() async throws {
        let directory = try TemporaryDirectory()
        let lines = [
            #"{"text": "good"}"#,
            #"{"text": 42}"#,
            #"{"other": "x"}"#,
            #"{"text": "unterminated}"#,
            #"["not", "an", "object"]"#,
            #"{"text": "trailing"} junk"#,
            #"{"text": "bad surrogate \ud83d"}"#
        ]
        let path = try directory.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        let outcome = try await readAll([path])
        #expect(outcome.records == ["good"])
        #expect(outcome.report.skippedByKind == ["field-not-string": 1, "missing-field": 1, "invalid-json": 4])
        let invalid = outcome.report.examples.filter { $0.reason.kind == "invalid-json" }.map(\.location.line)
        #expect(invalid == [4, 5, 6, 7])
    }
}
