import ArgumentParser
import CorpusReader

/// A corpus named by option (for commands whose positional arguments are something else).
struct CorpusFileOptions: ParsableArguments {
    @Option(
        name: .customLong("corpus"),
        help: ArgumentHelp(
            "A corpus file (plain, compressed or an archive; '-' for standard input); repeatable.", valueName: "file"))
    var files: [String] = []

    @Option(
        help: "Record format: auto (by file name; standard input is read as lines), lines, csv, tsv, jsonl or text.")
    var format: RecordFormat = .auto

    @Option(
        name: .customLong("column"),
        help: ArgumentHelp(
            "A CSV/TSV column to read, by header name or 0-based index; repeatable.", valueName: "name|index"))
    var columns: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name the corpus to read with --corpus FILE.") }
        try FormatSpecificOptions.check(
            format: format, inputs: files, given: [(!columns.isEmpty, "--column", [.csv, .tsv])])
    }

    func makeReader() throws -> CorpusReader {
        try CorpusReader(inputs: inputs, options: readerOptions)
    }

    var inputs: [CorpusInput] { files.map(CorpusInput.init(argument:)) }

    var readerOptions: ReaderOptions {
        var options = ReaderOptions()
        options.format = format
        options.columns = columns.map(ColumnSelector.init(parsing:))
        return options
    }
}
