import ArgumentParser
import CorpusReader
import Embeddings
import Foundation
import Tokenization

extension EmbeddingFormat: ExpressibleByArgument {}
extension OOVPolicy: ExpressibleByArgument {}

extension VAEPipeline {
    /// `vae-pipeline embeddings`: a vocabulary's embedding matrix from GloVe/word2vec vectors.
    struct Embeddings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Build a vocabulary's embedding matrix from pre-trained word vectors (GloVe, word2vec, fastText).",
            discussion: """
                Streams the vectors file once — plain, compressed or inside a zip/tar archive, \
                detected from the bytes — keeping only the vocabulary's rows, so memory is \
                vocabulary × dimension whatever the file's size. Writes a float32 .npy of shape \
                (vocabulary size, dimension); row i is token i of the vocabulary, row 0 (<pad>) is \
                zero. Prints coverage of the vocabulary and of the corpus, the most frequent \
                tokens without a vector, and skipped lines by reason.

                Bad input is counted or stopped, never kept: lines with a wrong number of values, \
                a non-number, nan/inf, a value too large for float32 or above --max-value are \
                skipped and counted with their first line numbers (--strict stops at the first). \
                The dimension is the word2vec header's, or for GloVe the most common among the \
                first 100 vector lines (a tie needs --dimension). The first line of a word wins; \
                later ones are counted as duplicates. A word2vec binary record that breaks the \
                layout (e.g. a token with a space) or a file cut inside a record stops with the \
                record number. Bounds: dimension ≤ --max-dimension (10,000; at most 1,000,000); \
                the matrix (vocabulary × dimension × 4 bytes) must fit in available memory, \
                checked before allocating; lines ≤ 16 MB. The .npy is written atomically.
                """
        )

        @Option(
            help: ArgumentHelp("The vocabulary JSON written by 'vae-pipeline vocab' or 'tokenize'.", valueName: "file"))
        var vocab: String

        @Option(
            help: ArgumentHelp(
                "The word-vectors file (plain, compressed, or an archive), or '-' for standard input.",
                valueName: "file"))
        var vectors: String

        @Option(
            name: .customLong("member"),
            help: ArgumentHelp(
                "The archive member to read, as a shell glob (e.g. '*.300d.txt'); exactly one member may match.",
                valueName: "glob"))
        var memberPatterns: [String] = []

        @Option(help: "File format: auto (from the bytes), glove, word2vec-text or word2vec-binary.")
        var format: EmbeddingFormat = .auto

        @Option(
            help: """
                Vocabulary tokens without a vector: random (normal, matched vectors' mean and std), zero, \
                or unk (copy of <unk>).
                """
        )
        var oov: OOVPolicy = .random

        @Option(help: "Seed of the random OOV vectors.")
        var seed: UInt64 = 0

        @Flag(
            help: "Let a lowercased vector token fill a vocabulary token that has no exact match (exact matches win).")
        var caseInsensitive = false

        @Flag(
            help: "Stop at the first malformed line with its file and line number, instead of skipping and counting it."
        )
        var strict = false

        @Option(
            help: """
                The vector dimension to read; lines of other dimensions are skipped. Default: the header's, \
                or the most common in the first 100 lines.
                """
        )
        var dimension: Int?

        @Option(help: "The largest dimension accepted from the file (at most 1,000,000).")
        var maxDimension = 10_000

        @Option(help: "Values larger in magnitude are skipped and counted as implausible.")
        var maxValue: Float = 1e6

        @Option(
            help: ArgumentHelp(
                "Where to write the matrix (.npy, float32, shape (vocabulary, dimension)).", valueName: "file"))
        var out: String

        @Flag(help: "Print the report as one JSON object on standard output.")
        var json = false

        func run() async throws {
            let started = ContinuousClock.now
            let vocabulary = try Vocabulary.load(from: URL(fileURLWithPath: vocab))
            var options = EmbeddingOptions()
            options.format = format
            options.memberPatterns = memberPatterns
            options.oovPolicy = oov
            options.seed = seed
            options.caseInsensitive = caseInsensitive
            options.strict = strict
            options.dimension = dimension
            options.maxDimension = maxDimension
            options.maxAbsoluteValue = maxValue
            try options.validate(naming: Self.flag)
            let input = CorpusInput(argument: vectors)
            let total = input.fileSize
            var progressLine = ProgressLine()
            let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: input) {
                bytes in
                progressLine.update(bytes: bytes, of: total)
            }
            progressLine.finish()
            try matrix.writeNpy(to: out)
            let seconds = started.duration(to: .now).seconds
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(
                    String(
                        decoding: try encoder.encode(
                            EmbeddingsJSON(matrix.report, rows: matrix.rows, out: out, seconds: seconds)), as: UTF8.self
                    ))
            } else {
                print(Self.summary(matrix.report, rows: matrix.rows, out: out, seconds: seconds))
            }
        }

        /// The flag that sets an embeddings setting (the property's name for those without one).
        static func flag(_ setting: EmbeddingOptions.Setting) -> String {
            switch setting {
            case .dimension: "--dimension"
            case .maxDimension: "--max-dimension"
            case .maxAbsoluteValue: "--max-value"
            case .maxLineBytes, .maxMatrixBytes: setting.rawValue
            }
        }

        static func summary(_ report: EmbeddingReport, rows: Int, out: String, seconds: Double) -> String {
            var lines: [String] = []
            var source = "'\(report.path)'"
            if let member = report.member { source += ", member '\(member)'" }
            let compression = report.compression.isEmpty ? "" : " (\(report.compression.joined(separator: "+")))"
            lines.append(
                "vectors     \(source)\(compression), \(report.format.rawValue), "
                    + "dimension \(report.dimension) (\(report.dimensionSource.description))"
            )
            let declared = report.declaredRows.map { " (header: \(Format.count($0)) rows)" } ?? ""
            let rate =
                seconds > 0
                ? " in \(Format.decimal(seconds, digits: 2)) s, "
                    + "\(Format.bytes(Int64(Double(report.bytesRead) / seconds)))/s"
                : ""
            lines.append(
                "read        \(Format.count(report.linesRead)) lines\(declared), "
                    + "\(Format.bytes(report.bytesRead))\(rate)"
            )
            lines.append(
                "coverage    \(Format.count(report.typesFound)) of \(Format.count(report.vocabularyTypes)) vocabulary "
                    + "types (\(Format.decimal(report.typeCoverage * 100, digits: 2))%), "
                    + "\(Format.decimal(report.tokenCoverage * 100, digits: 2))% of corpus tokens"
            )
            if report.caseInsensitiveMatches > 0 {
                lines.append(
                    "            \(Format.count(report.caseInsensitiveMatches)) of them through a lowercased "
                        + "vector token"
                )
            }
            if !report.oovExamples.isEmpty {
                lines.append(
                    "no vector   "
                        + report.oovExamples.map { "\($0.token) \(Format.count($0.count))" }.joined(separator: " · "))
            }
            let unknown =
                switch report.unknownVector {
                case .file: "the file's <unk> vector"
                case .mean: "the mean of the matched vectors"
                case .oovPolicy: "like the other missing tokens"
                }
            lines.append("oov         \(report.oovPolicy.rawValue); <unk>: \(unknown); <pad>: zero")
            if report.skippedTotal == 0 {
                lines.append("skipped     none")
            } else {
                let unit = report.format == .word2vecBinary ? "record" : "line"
                let reasons = report.skipped.sorted { $0.key < $1.key }.map { reason, count in
                    let where_ =
                        report.skippedLines[reason].map {
                            " (\(unit) \($0.map(String.init).joined(separator: ", "))"
                                + "\(count > $0.count ? ", …" : ""))"
                        } ?? ""
                    return "\(reason.rawValue) \(Format.count(count))\(where_)"
                }
                lines.append(
                    "skipped     \(Format.count(report.skippedTotal)) \(unit)\(report.skippedTotal == 1 ? "" : "s"): "
                        + reasons.joined(separator: "; "))
            }
            if report.duplicates > 0 {
                lines.append(
                    "duplicates  \(Format.count(report.duplicates)) later \(report.duplicates == 1 ? "line" : "lines") "
                        + "of vocabulary tokens ignored (the first one is kept)"
                )
            }
            for warning in report.warnings { lines.append("warning     \(warning)") }
            lines.append("wrote       \(out) (\(Format.count(rows)) × \(report.dimension) float32)")
            return lines.joined(separator: "\n")
        }
    }
}

/// The report as `--json` prints it.
struct EmbeddingsJSON: Encodable {
    struct Skip: Encodable {
        var reason: String
        var count: Int
        var firstLines: [Int]
    }
    struct Example: Encodable {
        var token: String
        var count: Int
    }
    var vectors: String
    var member: String?
    var compression: [String]
    var container: String
    var format: String
    var dimension: Int
    var dimensionSource: String
    var declaredRows: Int?
    var rows: Int
    var linesRead: Int
    var bytesRead: Int64
    var compressedBytesRead: Int64
    var vocabularyTypes: Int
    var typesFound: Int
    var typeCoverage: Double
    var tokenOccurrences: Int
    var occurrencesCovered: Int
    var tokenCoverage: Double
    var caseInsensitiveMatches: Int
    var oovPolicy: String
    var unknownVector: String
    var oovExamples: [Example]
    var skipped: [Skip]
    var duplicates: Int
    var warnings: [String]
    var out: String
    var seconds: Double

    init(_ report: EmbeddingReport, rows: Int, out: String, seconds: Double) {
        vectors = report.path
        member = report.member
        compression = report.compression
        container = report.container
        format = report.format.rawValue
        dimension = report.dimension
        dimensionSource = report.dimensionSource.description
        declaredRows = report.declaredRows
        self.rows = rows
        linesRead = report.linesRead
        bytesRead = report.bytesRead
        compressedBytesRead = report.compressedBytesRead
        vocabularyTypes = report.vocabularyTypes
        typesFound = report.typesFound
        typeCoverage = report.typeCoverage
        tokenOccurrences = report.tokenOccurrences
        occurrencesCovered = report.occurrencesCovered
        tokenCoverage = report.tokenCoverage
        caseInsensitiveMatches = report.caseInsensitiveMatches
        oovPolicy = report.oovPolicy.rawValue
        unknownVector = report.unknownVector.rawValue
        oovExamples = report.oovExamples.map { Example(token: $0.token, count: $0.count) }
        skipped = report.skipped.sorted { $0.key < $1.key }.map {
            Skip(reason: $0.key.rawValue, count: $0.value, firstLines: report.skippedLines[$0.key] ?? [])
        }
        duplicates = report.duplicates
        warnings = report.warnings
        self.out = out
        self.seconds = seconds
    }
}
