import CorpusReader
import Foundation

/// Where the corpus is and how its records are read (the reader's options).
public struct DataSection: Codable, Sendable, Equatable {
    /// Corpus files; relative paths are relative to the pipeline file.
    public var inputs: [String]?
    /// A directory written by `vae-pipeline tokenize` to train from instead of the live corpus.
    public var shards: String?
    public var format: RecordFormat?
    public var columns: [String]?
    public var fields: [String]?
    public var delimiter: String?
    public var header: Bool?
    public var members: [String]?
    public var maxRecordBytes: Int?
    public var invalidUtf8: InvalidUTF8Policy?
    public var strict: Bool?
    /// The share of records held out for validation, chosen by a stable hash of their position.
    public var validationFraction: Double?
    /// Separate validation files (instead of a fraction of the training stream).
    public var validation: [String]?
    /// At most this many validation sentences are scored at each validation (keeps it quick).
    public var validationMaxSentences: Int?
    /// For the word VAE: how the training words are drawn from the inputs.
    public var words: WordsSection?

    public init(inputs: [String]? = nil) { self.inputs = inputs }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case inputs, shards, format, columns, fields, delimiter, header, members, strict, validation, words
        case maxRecordBytes = "max_record_bytes"
        case invalidUtf8 = "invalid_utf8"
        case validationFraction = "validation_fraction"
        case validationMaxSentences = "validation_max_sentences"
    }
}
