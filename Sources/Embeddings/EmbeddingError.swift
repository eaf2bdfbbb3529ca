import Foundation

/// Why loading word vectors stopped. Every message is a full sentence naming the file (and,
/// where it applies, the archive member and line). Failures of the input itself (missing file,
/// corrupt or truncated compressed data) are ``CorpusError``s, as for the corpus reader.
public enum EmbeddingError: LocalizedError, Sendable, Equatable {
    /// `strict` is on and a line is malformed.
    case invalidLine(path: String, member: String?, line: Int, reason: EmbeddingSkipReason)
    /// `strict` is on and a word2vec binary record (numbered from 1 after the header) is bad.
    case invalidRecord(path: String, member: String?, record: Int, reason: EmbeddingSkipReason)
    /// The file (or member) holds no vector line, so there is no dimension.
    case noVectors(path: String, member: String?)
    /// Not one vocabulary token has a vector in the file.
    case noTokenMatched(path: String, member: String?, linesRead: Int)
    /// `--format word2vec-binary` was given but the file does not start with `count dim`.
    case missingBinaryHeader(path: String, member: String?)
    /// More than one archive member matches; the loader reads exactly one. `members` lists
    /// them all when the archive could be listed (zip), else the first two met.
    case severalMembers(path: String, members: [String], complete: Bool)
    /// One of ``EmbeddingOptions`` is outside its bounds: which, named as the caller names it (a
    /// flag, a pipeline key, the property), and why.
    case invalidOption(EmbeddingOptions.Setting, name: String, reason: String)
    /// A word2vec binary record does not have the layout its neighbours have (token, space,
    /// `dimension` float32, newline when the file uses them), so the records after it cannot be
    /// found. `record` counts from 1 after the header.
    case misalignedRecord(path: String, member: String?, record: Int, problem: String)
    /// The file ends inside a word2vec binary record.
    case truncatedRecord(
        path: String, member: String?, record: Int, token: String, vectorBytes: Int, expectedBytes: Int)
    /// The dimension (from `source`: the header, the lines or `--dimension`) is above `--max-dimension`.
    case dimensionTooLarge(path: String, member: String?, dimension: Int, source: String, limit: Int)
    /// The first vector lines disagree about the dimension with no majority.
    case ambiguousDimension(path: String, member: String?, dimensions: [Int], agreeing: Int, sampled: Int)
    /// `--dimension` differs from a word2vec binary header, whose records can only be read with theirs.
    case headerDimensionDiffers(path: String, member: String?, header: Int, option: Int)
    /// The matrix would not fit in memory (or in `maxMatrixBytes`).
    case matrixTooLarge(path: String, member: String?, rows: Int, dimension: Int, bytes: Int, available: Int)
    /// A value of the finished matrix is not finite: a defect of the loader, never of the file.
    case nonFiniteMatrix(path: String, row: Int)

    public var errorDescription: String? {
        switch self {
        case let .invalidLine(path, member, line, reason):
            return
                "\(Self.place(path, member)), line \(line): \(reason.sentence) (--strict stops at the first malformed "
                    + "line; without it such lines are skipped and counted.)"
        case let .invalidRecord(path, member, record, reason):
            return
                "\(Self.place(path, member).capitalizedFirst), record \(record): \(reason.sentence) (--strict stops "
                    + "at the first malformed record; without it such records are skipped and counted.)"
        case let .noVectors(path, member):
            return
                "\(Self.place(path, member).capitalizedFirst) holds no word vectors: no line has a token followed by "
                    + "numbers."
        case let .noTokenMatched(path, member, lines):
            return
                "None of the \(lines) lines of \(Self.place(path, member)) has a token of the vocabulary; check that "
                    + "the vocabulary and the vectors use the same case and tokenization (--case-insensitive matches "
                        + "lowercased vector tokens)."
        case let .missingBinaryHeader(path, member):
            return
                "\(Self.place(path, member).capitalizedFirst) does not start with a 'count dimension' header line, "
                    + "which the word2vec binary format requires."
        case let .severalMembers(path, members, complete):
            let names = members.map { "'\($0)'" }.joined(separator: ", ") + (complete ? "" : ", …")
            let count = complete ? "\(members.count) members" : "more than one member"
            return
                "'\(path)' holds \(count) to read (\(names)); choose one with --member (for example --member "
                    + "'\(members.first ?? "*.txt")')."
        case let .invalidOption(_, name, reason):
            return "\(name) \(reason)."
        case let .misalignedRecord(path, member, record, problem):
            return
                "\(Self.place(path, member).capitalizedFirst), record \(record): \(problem) The records after it "
                    + "cannot be found, so nothing was written; a token containing a space, a wrong dimension in the "
                        + "header or a damaged file cause this."
        case let .truncatedRecord(path, member, record, token, vectorBytes, expectedBytes):
            return
                "\(Self.place(path, member).capitalizedFirst) ends inside record \(record) (token "
                    + "'\(token.prefix(80))'): \(vectorBytes) of its \(expectedBytes) vector bytes are there. The "
                        + "file is cut short; download or decompress it again."
        case let .dimensionTooLarge(path, member, dimension, source, limit):
            return
                "\(Self.place(path, member).capitalizedFirst) has vectors of \(dimension) values (\(source)), more "
                    + "than --max-dimension (\(limit)) allows; raise --max-dimension (embeddings.max_dimension in a "
                        + "pipeline file; at most \(EmbeddingOptions.dimensionHardCap)) if the file is right."
        case let .ambiguousDimension(path, member, dimensions, agreeing, sampled):
            let list = dimensions.map(String.init).joined(separator: ", ")
            return
                "The first \(sampled) vector lines of \(Self.place(path, member)) disagree about the dimension "
                    + "(\(agreeing) lines each have \(list) values); give the right one with --dimension "
                    + "(embeddings.dimension in a pipeline file)."
        case let .headerDimensionDiffers(path, member, header, option):
            return
                "The header of \(Self.place(path, member)) gives vectors of \(header) values, but --dimension is "
                    + "\(option) (embeddings.dimension in a pipeline file); word2vec binary records can only be "
                    + "read with the header's dimension."
        case let .matrixTooLarge(path, member, rows, dimension, bytes, available):
            return
                "The embedding matrix for \(Self.place(path, member)) would take \(Self.megabytes(bytes)) (\(rows) "
                    + "vocabulary entries × \(dimension) values × 4 bytes), but only \(Self.megabytes(available)) of "
                        + "memory is available; lower the vocabulary size (--max-vocab, vocabulary.max_size) or use "
                            + "vectors of a smaller dimension."
        case let .nonFiniteMatrix(path, row):
            return
                "Row \(row) of the matrix built from '\(path)' is not finite; this is a defect of vae-pipeline, "
                    + "please report it with the file."
        }
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30
            ? String(format: "%.1f GB", Double(bytes) / Double(1 << 30))
            : String(format: "%.1f MB", Double(bytes) / Double(1 << 20))
    }

    static func place(_ path: String, _ member: String?) -> String {
        member.map { "'\(path)', member '\($0)'" } ?? "'\(path)'"
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
