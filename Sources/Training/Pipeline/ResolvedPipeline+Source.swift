import CorpusReader
import Foundation
import TokenShards

extension ResolvedPipeline {
    /// Where the corpus is and how its records are read (`data`): the inputs or token shards,
    /// the reader's options and the validation split.
    public struct SourceSettings: Sendable {
        public var inputs: [CorpusInput]
        /// A directory written by `vae-pipeline tokenize` to train from instead of the inputs.
        public var shardDirectory: URL?
        /// Separate validation files (none: a fraction of the training stream is held out).
        public var validationInputs: [CorpusInput]
        public var reader: ReaderOptions
        /// The share of records held out for validation, by a stable hash of their position.
        public var validationFraction: Double
        /// At most this many validation sentences are scored at each validation.
        public var validationMaxSentences: Int

        init(_ data: DataSection, checks: PipelineChecks) throws(PipelineError) {
            shardDirectory = data.shards.map { URL(fileURLWithPath: $0) }
            inputs = data.shards == nil ? (data.inputs ?? []).map(CorpusInput.init(argument:)) : []
            validationInputs = (data.validation ?? []).map(CorpusInput.init(argument:))
            reader = ReaderOptions()
            reader.format = data.format ?? reader.format
            reader.columns = (data.columns ?? []).map(ColumnSelector.init(parsing:))
            if let fields = data.fields, !fields.isEmpty { reader.jsonFields = fields }
            if let delimiter = data.delimiter {
                reader.delimiter = delimiter == "\\t" ? UInt8(ascii: "\t") : delimiter.utf8.first
            }
            reader.hasHeader = data.header ?? true
            reader.memberPatterns = data.members ?? []
            reader.maxRecordBytes = data.maxRecordBytes ?? (1 << 20)
            reader.invalidUTF8 = data.invalidUtf8 ?? reader.invalidUTF8
            reader.strict = data.strict ?? false
            validationFraction = data.validationFraction ?? (validationInputs.isEmpty ? 0.05 : 0)
            validationMaxSentences = data.validationMaxSentences ?? 2_000
            try validate(data, checks: checks)
        }

        private func validate(_ data: DataSection, checks: PipelineChecks) throws(PipelineError) {
            if data.shards != nil {
                if data.inputs != nil {
                    throw checks.invalid("data.shards", "cannot be combined with data.inputs; give one source")
                }
            } else {
                guard let list = data.inputs, !list.isEmpty else {
                    throw PipelineError.missing(
                        file: checks.file, key: "data.inputs",
                        reason: "name at least one corpus file (or data.shards)")
                }
                if list.contains("-") {
                    throw checks.invalid(
                        "data.inputs",
                        "cannot be standard input ('-'): training reads the corpus several times (vocabulary, every "
                            + "epoch, "
                            + "validation), and standard input can be read only once; save it to a file first")
                }
            }
            if let delimiter = data.delimiter, !(delimiter.utf8.count == 1 || delimiter == "\\t") {
                throw checks.invalid("data.delimiter", "must be one ASCII character")
            }
            try checks.bound("data.validation_max_sentences", validationMaxSentences, Limits.validationSentences)
        }
    }
}
