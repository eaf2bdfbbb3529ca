import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

@Suite struct CSVRecordParserTests {
    func spectrum(_ name: String) -> String {
        corporaDirectory.appendingPathComponent("csv-spectrum/\(name)").path
    }

    @Test func csvSpectrumCases() async throws {
        let cases: [(String, [String])] = [
            ("comma_in_quotes.csv", ["John", "Doe", "120 any st.", "Anytown, WW", "08123"]),
            ("empty.csv", ["1", "", "", "2", "3", "4"]),
            ("empty_crlf.csv", ["1", "", "", "2", "3", "4"]),
            ("escaped_quotes.csv", ["1", "ha \"ha\" ha", "3", "4"]),
            ("json.csv", ["1", "{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"]),
            ("newlines.csv", ["1", "2", "3", "Once upon \na time", "5", "6", "7", "8", "9"]),
            ("newlines_crlf.csv", ["1", "2", "3", "Once upon \r\na time", "5", "6", "7", "8", "9"]),
            ("quotes_and_newlines.csv", ["1", "ha \n\"ha\" \nha", "3", "4"]),
            ("simple.csv", ["1", "2", "3"]),
            ("simple_crlf.csv", ["1", "2", "3"]),
            ("utf8.csv", ["1", "2", "3", "4", "5", "ʤ"])
        ]
        for (name, expected) in cases {
            let outcome = try await readAll([spectrum(name)])
            #expect(outcome.error == nil, "\(name)")
            #expect(outcome.records == expected, "\(name)")
            #expect(outcome.report.skipped == 0, "\(name)")
        }
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() async throws {
        let outcome = try await readAll([spectrum("quotes_and_newlines.csv")])
        #expect(outcome.locations.map(\.line) == [2, 2, 5, 5])
    }

    @Test func columnsByNameComeOutInRequestedOrder() async throws {
        let path = corporaDirectory.appendingPathComponent("penguins_raw.csv").path
        let outcome = try await readAll([path]) { $0.columns = [.name("Comments"), .name("Species")] }
        #expect(outcome.error == nil)
        #expect(outcome.records.count == 2 * 344)
        #expect(outcome.records[0] == "Not enough blood for isotopes.")
        #expect(outcome.records[1] == "Adelie Penguin (Pygoscelis adeliae)")
        #expect(Array(outcome.fields.prefix(4)) == [0, 1, 0, 1])
        let header = try #require(outcome.report.headers.first)
        #expect(header.fields.count == 17)
        // By index, the same records.
        let byIndex = try await readAll([path]) { $0.columns = [.index(16), .index(2)] }
        #expect(byIndex.records == outcome.records)
    }

    @Test func anUnknownColumnNamesTheHeader() async throws {
        let path = corporaDirectory.appendingPathComponent("penguins_raw.csv").path
        let outcome = try await readAll([path]) { $0.columns = [.name("question1")] }
        let error = try #require(outcome.error as? CorpusError)
        let message = error.localizedDescription
        #expect(message.contains("'question1'"))
        #expect(message.contains("penguins_raw.csv"))
        #expect(message.contains("'Comments'"))
    }

    @Test func rowsWithTheWrongFieldCountAreSkippedAndCounted() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.csv", "a,b\n1,2\n3\n4,5,6\n7,8\n")
        let outcome = try await readAll([path]) { $0.columns = [.name("b")] }
        #expect(outcome.records == ["2", "8"])
        #expect(outcome.report.skippedByKind["wrong-field-count"] == 2)
        #expect(outcome.report.examples.map(\.location.line) == [3, 4])
        #expect(
            outcome.report.examples.first?.description.contains("bad.csv:3: the row has 1 field, but the header has 2.")
                == true)
    }

    @Test func anUnterminatedQuoteAtTheEndIsSkipped() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("open.csv", "text\n\"fine\"\n\"never closed\nstill inside\n")
        let outcome = try await readAll([path])
        #expect(outcome.records == ["fine"])
        #expect(outcome.report.skippedByKind["unterminated-quote"] == 1)
        #expect(outcome.report.examples.first?.location.line == 3)
    }

    @Test func strictModeStopsAtTheFirstBadRowWithFileAndLine() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.csv", "a,b\n1,2\n3\n")
        let outcome = try await readAll([path]) { $0.strict = true }
        let error = try #require(outcome.error as? CorpusError)
        #expect(error.localizedDescription.hasPrefix("\(path):3: the row has 1 field"))
    }

    @Test func headerlessTSVWithIndexColumnsAndCustomDelimiters() async throws {
        let directory = try TemporaryDirectory()
        let tsv = try directory.write("data.tsv", "x\tfirst text\n\"y\"\t\"quoted\ttab\"\n")
        let outcome = try await readAll([tsv]) {
            $0.hasHeader = false; $0.columns = [.index(1)]
        }
        #expect(outcome.records == ["first text", "quoted\ttab"])
        let semicolons = try directory.write("data.csv", "k;v\n1;\"a;b\"\n")
        let other = try await readAll([semicolons]) {
            $0.delimiter = UInt8(ascii: ";"); $0.columns = [.name("v")]
        }
        #expect(other.records == ["a;b"])
    }

    @Test func aByteOrderMarkDoesNotBecomePartOfTheFirstColumnName() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bom.csv", "\u{FEFF}text,label\r\n\"héllo, wörld\",1\r\n")
        let outcome = try await readAll([path]) { $0.columns = [.name("text")] }
        #expect(outcome.error == nil)
        #expect(outcome.records == ["héllo, wörld"])
        #expect(outcome.report.headers.first?.fields == ["text", "label"])
    }

    @Test func aColumnNameWithoutAHeaderIsRejectedUpFront() throws {
        var options = ReaderOptions()
        options.hasHeader = false
        options.columns = [.name("text")]
        #expect(throws: CorpusError.self) {
            try CorpusReader(
                inputs: [.file(corporaDirectory.appendingPathComponent("penguins_raw.csv").path)], options: options)
        }
    }

    @Test func recordsAreTheSameWhateverTheChunkBoundaries() async throws {
        // Quoted fields with commas, doubled quotes and line breaks, crossing many boundaries.
        var rows = ["id,question1,question2"]
        for index in 0..<3000 {
            let first = "What is \"item\" number \(index), really?" + (index % 37 == 0 ? "\nSecond line" : "")
            let second = "Plain \(index)"
            rows.append("\(index),\"\(first.replacingOccurrences(of: "\"", with: "\"\""))\",\(second)")
        }
        let directory = try TemporaryDirectory()
        let path = try directory.write("q.csv", rows.joined(separator: "\r\n") + "\r\n")
        let small = try await readAll([path]) {
            $0.chunkBytes = 4096; $0.columns = [.name("question1"), .name("question2")]
        }
        let large = try await readAll([path]) { $0.columns = [.name("question1"), .name("question2")] }
        #expect(small.records.count == 6000)
        #expect(small.records == large.records)
        #expect(small.locations == large.locations)
        #expect(small.records[0] == "What is \"item\" number 0, really?\nSecond line")
        #expect(small.chunks.count > 20)
    }

    /// Quoted fields ending a row (the closing quote then a line feed), a delimiter, a doubled
    /// quote or CRLF, with row lengths varied so chunk boundaries fall at every position.
    @Test(arguments: ["\n", "\r\n"])
    func quotedFieldsEndingRowsAreTheSameWhateverTheChunkBoundaries(lineEnd: String) async throws {
        var rows = ["id,question1,question2"]
        for index in 0..<4000 {
            let padding = String(repeating: "x", count: index % 23)
            let second = index % 5 == 0 ? "say \"\"hi\"\" \(index)" : "q\(padding)\(index)"
            rows.append("\(index),\"first, \(padding)\(index % 41 == 0 ? "\nmore" : "")\",\"\(second)\"")
        }
        let directory = try TemporaryDirectory()
        let path = try directory.write("q.csv", rows.joined(separator: lineEnd) + lineEnd)
        let columns: (inout ReaderOptions) -> Void = { $0.columns = [.name("question1"), .name("question2")] }
        let large = try await readAll([path], columns)
        #expect(large.records.count == 8000)
        #expect(large.records[1] == "say \"hi\" 0")
        #expect(large.records[3] == "qx1")
        for chunkBytes in [4096, 4099, 4111] {
            let small = try await readAll([path]) {
                $0.chunkBytes = chunkBytes; columns(&$0)
            }
            #expect(small.records == large.records)
            #expect(small.locations == large.locations)
            #expect(small.report.skipped == 0)
        }
    }
}
