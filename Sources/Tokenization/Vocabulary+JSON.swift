import Foundation

/// Saving and loading vocabularies as readable JSON.
///
/// The file records everything needed to reproduce the ids: the tokenizer configuration, the
/// build options, ICU's Unicode version (segmentation rules change between versions), the hash,
/// and the tokens in id order with their counts, one per line:
///
/// ```json
/// {
///   "format": "vae-pipeline-vocabulary",
///   "formatVersion": 1,
///   "configuration": {
///     "level": "word",
///     "normalization": "nfkc",
///     "lowercaseLocale": "en",
///     "keepsPunctuation": true,
///     "kerasFilters": "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n",
///     "breakLocale": ""
///   },
///   "maxSize": 30000,
///   "minCount": 2,
///   "unicodeVersion": "15.0",
///   "count": 6,
///   "hash": "sha256:…",
///   "tokens": [
///     ["<pad>", 0],
///     ["<unk>", 0],
///     ["<bos>", 0],
///     ["<eos>", 0],
///     ["the", 120],
///     ["cat", 7]
///   ]
/// }
/// ```
extension Vocabulary {
    /// Identifies the file type in the "format" field.
    public static let jsonFormatName = "vae-pipeline-vocabulary"
    /// The version written in "formatVersion"; loading rejects other versions.
    public static let jsonFormatVersion = 1

    /// The vocabulary as JSON text (the format above, ending in a newline).
    public func jsonText() -> String {
        var lines: [String] = []
        lines.append("{")
        lines.append("  \"format\": \(JSONText.quoted(Self.jsonFormatName)),")
        lines.append("  \"formatVersion\": \(Self.jsonFormatVersion),")
        lines.append("  \"configuration\": {")
        lines.append("    \"level\": \(JSONText.quoted(configuration.level.rawValue)),")
        lines.append("    \"normalization\": \(JSONText.quoted(configuration.normalization.rawValue)),")
        lines.append("    \"lowercaseLocale\": \(JSONText.optional(configuration.lowercaseLocale)),")
        lines.append("    \"keepsPunctuation\": \(configuration.keepsPunctuation),")
        lines.append("    \"kerasFilters\": \(JSONText.quoted(configuration.kerasFilters)),")
        lines.append("    \"breakLocale\": \(JSONText.quoted(configuration.breakLocale))")
        lines.append("  },")
        lines.append("  \"maxSize\": \(JSONText.optional(maxSize)),")
        lines.append("  \"minCount\": \(minCount),")
        lines.append("  \"unicodeVersion\": \(JSONText.quoted(ICUInfo.unicodeVersion)),")
        lines.append("  \"count\": \(count),")
        lines.append("  \"hash\": \(JSONText.quoted(hash)),")
        lines.append("  \"tokens\": [")
        for (id, token) in tokens.enumerated() {
            let comma = id + 1 < tokens.count ? "," : ""
            lines.append("    [\(JSONText.quoted(token)), \(counts[id])]\(comma)")
        }
        lines.append("  ]")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `jsonText()` to `url` atomically (temporary file + rename).
    public func save(to url: URL) throws(TokenizationError) {
        try writeAtomically(Data(jsonText().utf8), to: url)
    }

    /// Loads a vocabulary saved by `save(to:)`, checking its structure and hash. Errors name the
    /// file and what is wrong (`TokenizationError.malformedVocabulary`).
    public static func load(from url: URL) throws(TokenizationError) -> Vocabulary {
        try Vocabulary(jsonData: readFile(url), source: url.path)
    }

    /// Parses vocabulary JSON; `source` names the origin (a path) in error messages.
    public init(jsonData: Data, source: String) throws(TokenizationError) {
        func malformed(_ reason: String) -> TokenizationError { .malformedVocabulary(path: source, reason: reason) }
        let file: VocabularyFile
        do {
            file = try JSONDecoder().decode(VocabularyFile.self, from: jsonData)
        } catch let error as DecodingError {
            throw malformed(Self.describe(error))
        } catch {
            throw malformed("it could not be parsed (\(error))")
        }
        guard file.format == Self.jsonFormatName else {
            throw malformed("the \"format\" field is \"\(file.format)\", not \"\(Self.jsonFormatName)\"")
        }
        guard file.formatVersion == Self.jsonFormatVersion else {
            throw malformed(
                "its \"formatVersion\" is \(file.formatVersion), but this library reads version "
                    + "\(Self.jsonFormatVersion)"
            )
        }
        let settings = file.configuration
        guard let level = TokenizationLevel(rawValue: settings.level) else {
            throw malformed(
                "\"configuration.level\" is \"\(settings.level)\" but must be one of "
                    + "\(TokenizationLevel.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let normalization = Normalization(rawValue: settings.normalization) else {
            throw malformed(
                "\"configuration.normalization\" is \"\(settings.normalization)\" but must be one of "
                    + "\(Normalization.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let configuration = TokenizerConfiguration(
            level: level, normalization: normalization, lowercaseLocale: settings.lowercaseLocale,
            keepsPunctuation: settings.keepsPunctuation, kerasFilters: settings.kerasFilters,
            breakLocale: settings.breakLocale)
        if let declared = file.count, declared != file.tokens.count {
            throw malformed("\"count\" says \(declared) tokens but \(file.tokens.count) are listed")
        }
        if let negative = file.tokens.firstIndex(where: { $0.count < 0 }) {
            throw malformed("token \(negative) has a negative count")
        }
        try self.init(
            tokens: file.tokens.map(\.token), counts: file.tokens.map(\.count), configuration: configuration,
            maxSize: file.maxSize, minCount: file.minCount, source: source)
        guard file.hash == hash else {
            throw malformed(
                "its \"hash\" is \(file.hash) but its tokens hash to \(hash), so the token list was changed after "
                    + "saving"
            )
        }
    }

    /// A DecodingError as a clause naming the JSON path.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "the field \"\(path(context.codingPath + [key]))\" is missing"
        case .typeMismatch(let type, let context):
            return "\"\(path(context.codingPath))\" is not of the expected type (\(type))"
        case .valueNotFound(let type, let context):
            return "\"\(path(context.codingPath))\" is null but must be a \(type)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "it is not valid JSON" }
            return "\"\(path(context.codingPath))\" is invalid (\(context.debugDescription))"
        @unknown default:
            return "it could not be decoded (\(error))"
        }
    }
}

/// The on-disk shape, decoded strictly (a string where a number belongs is an error).
private struct VocabularyFile: Decodable {
    struct Configuration: Decodable {
        var level: String
        var normalization: String
        var lowercaseLocale: String?
        var keepsPunctuation: Bool
        var kerasFilters: String
        var breakLocale: String
    }

    struct Entry: Decodable {
        var token: String
        var count: Int

        init(from decoder: any Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            token = try pair.decode(String.self)
            count = try pair.decode(Int.self)
            if !pair.isAtEnd {
                throw DecodingError.dataCorruptedError(
                    in: pair, debugDescription: "a token entry must be a [token, count] pair")
            }
        }
    }

    var format: String
    var formatVersion: Int
    var configuration: Configuration
    var maxSize: Int?
    var minCount: Int
    var count: Int?
    var hash: String
    var tokens: [Entry]
}
