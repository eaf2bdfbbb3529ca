import ArgumentParser
import CorpusReader

extension RecordFormat: ExpressibleByArgument {}
extension InvalidUTF8Policy: ExpressibleByArgument {}

/// How to read a corpus: shared by every command that reads one.
struct CorpusOptions: ParsableArguments {
    @Argument(help: "Corpus files (plain, compressed or archives), or '-' for standard input.")
    var inputs: [String] = []

    @Option(
        help: "Record format: auto (by file name; standard input is read as lines), lines, csv, tsv, jsonl or text.")
    var format: RecordFormat = .auto

    @Option(
        name: .customLong("column"),
        help: ArgumentHelp(
            "A CSV/TSV column to read, by header name or 0-based index; repeat to read several (each becomes a "
                + "record).",
            valueName: "name|index"))
    var columns: [String] = []

    @Option(
        name: .customLong("field"),
        help: ArgumentHelp(
            "A JSON Lines string field to read; repeat to read several (default: text).", valueName: "name"))
    var fields: [String] = []

    @Option(
        help: ArgumentHelp(
            "The CSV/TSV field delimiter, one ASCII character (default ',' for csv, tab for tsv).", valueName: "char"))
    var delimiter: String?

    @Flag(help: "CSV/TSV input has no header row (then columns are chosen by index).")
    var noHeader = false

    @Option(
        name: .customLong("member"),
        help: ArgumentHelp(
            "Read only archive members matching this shell glob (e.g. '*.csv'); repeatable.", valueName: "glob"))
    var memberPatterns: [String] = []

    @Option(help: "Skip (and count) records longer than this many bytes; bounds memory on input without line breaks.")
    var maxRecordBytes: Int = 1 << 20

    @Option(
        name: .customLong("invalid-utf8"), help: "Invalid UTF-8 in a record: replace (with U+FFFD) or skip the record.")
    var invalidUTF8: InvalidUTF8Policy = .replace

    @Flag(help: "Stop at the first bad record with its file and line, instead of skipping and counting it.")
    var strict = false

    func validate() throws {
        if inputs.isEmpty {
            throw ValidationError("Name at least one corpus file, or '-' to read standard input.")
        }
        if let delimiter, delimiter.utf8.count != 1 && delimiter != "\\t" {
            throw ValidationError(
                "The delimiter must be a single ASCII character (or '\\t'); '\(delimiter)' was given.")
        }
        // The reader's own checks (record bound, delimiter), with its sentences.
        do { try readerOptions.validate() } catch { throw ValidationError(error.localizedDescription) }
        try FormatSpecificOptions.check(
            format: format, inputs: inputs,
            given: [
                (!columns.isEmpty, "--column", [.csv, .tsv]), (delimiter != nil, "--delimiter", [.csv, .tsv]),
                (noHeader, "--no-header", [.csv, .tsv]), (!fields.isEmpty, "--field", [.jsonl])
            ])
    }

    var corpusInputs: [CorpusInput] { inputs.map(CorpusInput.init(argument:)) }

    var readerOptions: ReaderOptions {
        var options = ReaderOptions()
        options.format = format
        options.columns = columns.map(ColumnSelector.init(parsing:))
        if !fields.isEmpty { options.jsonFields = fields }
        if let delimiter { options.delimiter = delimiter == "\\t" ? UInt8(ascii: "\t") : delimiter.utf8.first }
        options.hasHeader = !noHeader
        options.memberPatterns = memberPatterns
        options.maxRecordBytes = maxRecordBytes
        options.invalidUTF8 = invalidUTF8
        options.strict = strict
        return options
    }

    func makeReader() throws -> CorpusReader {
        try CorpusReader(inputs: corpusInputs, options: readerOptions)
    }
}
