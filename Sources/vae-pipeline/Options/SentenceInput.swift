import ArgumentParser
import Foundation

/// Sentences given as arguments, in a file (one per line), or on standard input.
struct SentenceInput: ParsableArguments {
    @Argument(help: "Sentences (quote each). Without any, --file or standard input is read, one sentence per line.")
    var sentences: [String] = []

    @Option(
        help: ArgumentHelp("Read sentences from this file, one per line ('-' for standard input).", valueName: "file"))
    var file: String?

    func read() throws -> [String] {
        if !sentences.isEmpty { return sentences }
        let text: String
        if let file, file != "-" {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("Cannot read \(file): it does not exist or is not readable.")
            }
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        if lines.isEmpty { throw ValidationError("No sentences were given (the input has no non-blank line).") }
        return lines
    }
}
