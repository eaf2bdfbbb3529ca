import Foundation

/// Why loading word vectors stopped. Every message is a full sentence naming the file (and,
/// where it applies, the archive member and line). Failures of the input itself (missing file,
/// corrupt or truncated compressed data) are ``CorpusError``s, as for the corpus reader.
public enum EmbeddingError: LocalizedError, Sendable, Equatable {
    /// `strict` is on and a line is malformed.
    case invalidLine(path: String, member: String?, line: Int, reason: EmbeddingSkipReason)
    /// The file (or member) holds no vector line, so there is no dimension.
    case noVectors(path: String, member: String?)
    /// Not one vocabulary token has a vector in the file.
    case noTokenMatched(path: String, member: String?, linesRead: Int)
    /// `--format word2vec-binary` was given but the file does not start with `count dim`.
    case missingBinaryHeader(path: String, member: String?)
    /// More than one archive member matches; the loader reads exactly one. `members` lists
    /// them all when the archive could be listed (zip), else the first two met.
    case severalMembers(path: String, members: [String], complete: Bool)
    /// The options are malformed.
    case invalidOptions(String)

    public var errorDescription: String? {
        switch self {
        case let .invalidLine(path, member, line, reason):
            return "\(Self.place(path, member)), line \(line): \(reason.sentence) (--strict stops at the first malformed line; without it such lines are skipped and counted.)"
        case let .noVectors(path, member):
            return "\(Self.place(path, member).capitalizedFirst) holds no word vectors: no line has a token followed by numbers."
        case let .noTokenMatched(path, member, lines):
            return "None of the \(lines) lines of \(Self.place(path, member)) has a token of the vocabulary; check that the vocabulary and the vectors use the same case and tokenization (--case-insensitive matches lowercased vector tokens)."
        case let .missingBinaryHeader(path, member):
            return "\(Self.place(path, member).capitalizedFirst) does not start with a 'count dimension' header line, which the word2vec binary format requires."
        case let .severalMembers(path, members, complete):
            let names = members.map { "'\($0)'" }.joined(separator: ", ") + (complete ? "" : ", …")
            let count = complete ? "\(members.count) members" : "more than one member"
            return "'\(path)' holds \(count) to read (\(names)); choose one with --member (for example --member '\(members.first ?? "*.txt")')."
        case let .invalidOptions(message):
            return message
        }
    }

    static func place(_ path: String, _ member: String?) -> String {
        member.map { "'\(path)', member '\($0)'" } ?? "'\(path)'"
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
