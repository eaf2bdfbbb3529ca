import Batching
import Corpus
import Foundation
import Models
import NeuralCore
import Support
import Tokenization

/// A pipeline file with every default filled in and every value checked: what a run actually
/// uses. Built once at the start of `train` (and stored in the run directory as the file it came
/// from, so `--resume` and the after-training commands rebuild exactly the same settings).
public struct ResolvedPipeline: Sendable {
    public var name: String
    public var file: String
    public var inputs: [CorpusInput]
    public var shardDirectory: URL?
    public var validationInputs: [CorpusInput]
    public var reader: ReaderOptions
    public var tokenizer: TokenizerConfiguration
    public var splitSentences: Bool
    public var vocabularyFile: String?
    public var vocabularyMaxSize: Int?
    public var vocabularyMinCount: Int
    public var maxDistinctTokens: Int
    public var batching: BatchingOptions
    public var validationMaxSentences: Int
    /// The word VAE's word list settings (nil for the other models).
    public var words: WordsSettings?
    public var embeddings: EmbeddingSettings?
    public var model: ModelSettings
    public var training: TrainingSettings
    public var output: String

    public struct EmbeddingSettings: Sendable {
        public var vectors: String
        public var options: EmbeddingOptions
        public var freeze: Bool
    }

    /// The model's shape before the vocabulary size is known.
    public struct ModelSettings: Sendable, Equatable {
        public var kind: ModelKind = .sentenceVAE
        public var embedding: Int?
        public var embeddingDropout: Float
        public var encoderCell: RecurrentCellKind
        public var encoderHidden: Int
        public var encoderLayers: Int
        public var bidirectional: Bool
        public var encoderDense: Int?
        public var latent: Int
        public var decoderCell: RecurrentCellKind
        public var decoderHidden: Int
        public var decoderLayers: Int
        public var latentToInitialState: Bool
        public var latentAtEveryStep: Bool
        public var wordDropout: Float
        public var outputDropout: Float
        /// The VRNN's and the language model's recurrent width.
        public var hidden: Int = 64
        public var teacherForcing: Float = 1
        public var characterDropout: Float = 0
        /// Whether a character model reads windows of a stream (no end symbol) or lines.
        public var windows = false

        /// The model configuration for a vocabulary of `vocabularySize` ids and vectors of `dimension`.
        public func configuration(vocabularySize: Int, embeddingDimension: Int, freeze: Bool) -> ModelConfiguration {
            let start = SpecialToken.begin.index, end = windows ? nil : SpecialToken.end.index
            switch kind {
            case .sentenceVAE:
                return .sentenceVAE(sentenceConfiguration(vocabularySize: vocabularySize, embeddingDimension: embeddingDimension, freeze: freeze))
            case .wordVAE:
                return .wordVAE(sentenceConfiguration(vocabularySize: vocabularySize, embeddingDimension: embeddingDimension, freeze: freeze))
            case .characterVAE:
                var c = CharacterVAEConfiguration(vocabularySize: vocabularySize, embeddingDimension: embeddingDimension,
                                                  encoderHidden: encoderHidden, latent: latent, decoderHidden: decoderHidden,
                                                  startSymbol: start, characterDropout: characterDropout)
                c.endSymbol = end
                c.teacherForcing = teacherForcing < 1 ? teacherForcing : nil
                // Stored only when they differ from the reference (z at every step only).
                c.latentToInitialState = latentToInitialState ? true : nil
                c.latentAtEveryStep = latentAtEveryStep ? nil : false
                return .characterVAE(c)
            case .vrnn:
                return .vrnn(VRNNConfiguration(vocabularySize: vocabularySize, embeddingDimension: embeddingDimension, hidden: hidden, latent: latent))
            case .languageModel:
                return .languageModel(LanguageModelConfiguration(vocabularySize: vocabularySize, embeddingDimension: embeddingDimension,
                                                                 hidden: hidden, startSymbol: start, endSymbol: end))
            }
        }

        /// The default embedding width when neither the file nor the vectors give one.
        public var defaultEmbedding: Int { kind == .sentenceVAE ? 300 : 64 }

        /// The sentence (or word) VAE's configuration.
        func sentenceConfiguration(vocabularySize: Int, embeddingDimension: Int, freeze: Bool) -> SentenceVAEConfiguration {
            var c = SentenceVAEConfiguration(vocabularySize: vocabularySize)
            c.embeddingDimension = embeddingDimension
            c.freezeEmbeddings = freeze
            c.embeddingDropout = embeddingDropout
            c.outputDropout = outputDropout > 0 ? outputDropout : nil
            c.encoderCell = encoderCell
            c.encoderHidden = encoderHidden
            c.encoderLayers = encoderLayers
            c.bidirectional = bidirectional
            c.encoderDense = encoderDense
            c.latent = latent
            c.decoderCell = decoderCell
            c.decoderHidden = decoderHidden
            c.decoderLayers = decoderLayers
            c.latentToInitialState = latentToInitialState
            c.latentAtEveryStep = latentAtEveryStep
            c.wordDropout = wordDropout
            return c
        }
    }

    public enum OptimizerKind: String, Sendable, Codable { case adam, sgd }

    /// How the word VAE draws its words from the inputs.
    public struct WordsSettings: Sendable, Equatable {
        public enum Source: String, Sendable { case tokens, lines }
        public var source: Source
        public var minCount: Int
        public var maxWords: Int
        public var lowercase: Bool
        /// The bound on `max_words` (the word list is held in memory, like a vocabulary).
        public static let maxWordsLimit = 1...5_000_000
    }

    /// The bounds every size setting is checked against (README, training section, and
    /// `train --help` list them): beyond them a run would not fit a machine or would stop in
    /// the middle of allocating, so it is refused at the start with the setting's name.
    public enum Limits {
        public static let latent = 1...4_096
        public static let hidden = 1...16_384
        public static let embedding = 1...4_096
        public static let layers = 1...16
        public static let batchSize = 1...65_536
        public static let maxLength = 1...10_000
        public static let vocabulary = 5...2_000_000
        public static let shuffleBuffer = 10_000_000
        public static let validationSentences = 1...1_000_000
        public static let samples = 1_000
        public static let keepLast = 1_000
        public static let learningRate: Float = 10
    }

    public struct TrainingSettings: Sendable, Equatable {
        public var epochs: Int
        public var maxSteps: Int?
        public var maxMinutes: Double?
        public var optimizer: OptimizerKind
        public var learningRate: Float
        public var momentum: Float
        public var weightDecay: Float
        public var clipNorm: Float
        public var annealing: KLAnnealing
        public var freeBits: Float
        public var validateEvery: Int
        public var checkpointEvery: Int
        public var keepLast: Int
        public var logEvery: Int
        public var seed: UInt64
        public var samples: Int
        /// Slices per batch, each run on its own model replica and thread (see
        /// `DataParallel`). Part of the recipe, not of the machine: results depend on
        /// it, never on the number of cores.
        public var batchShards: Int
        /// Steps trained as an autoencoder (β = 0) first; the KL schedule starts after them.
        public var pretrainSteps: Int = 0
        /// Re-initialise the decoder when the autoencoder phase ends.
        public var resetDecoder: Bool = false

        /// β at `step`: 0 during the autoencoder phase, then the schedule from its start.
        public func beta(at step: Int) -> Float {
            step < pretrainSteps ? 0 : annealing.beta(at: step - pretrainSteps)
        }
    }

    public init(_ file: PipelineFile, path: String) throws {
        func invalid(_ key: String, _ reason: String) -> PipelineError { .invalidValue(file: path, key: key, reason: reason) }
        func bound(_ key: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else { throw invalid(key, "must be between \(range.lowerBound) and \(range.upperBound); \(value) was given") }
        }
        self.file = path
        name = file.name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let data = file.data
        let kind: ModelKind
        if let type = file.model?.type {
            guard let value = ModelKind(rawValue: type) else {
                throw invalid("model.type", "must be one of \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")); '\(type)' was given")
            }
            kind = value
        } else {
            kind = .sentenceVAE
        }

        // Data.
        if let shards = data.shards {
            if data.inputs != nil { throw invalid("data.shards", "cannot be combined with data.inputs; give one source") }
            shardDirectory = URL(fileURLWithPath: shards)
            inputs = []
        } else {
            guard let list = data.inputs, !list.isEmpty else {
                throw PipelineError.missing(file: path, key: "data.inputs", reason: "name at least one corpus file (or data.shards)")
            }
            if list.contains("-") {
                throw invalid("data.inputs", "cannot be standard input ('-'): training reads the corpus several times (vocabulary, every epoch, validation), and standard input can be read only once; save it to a file first")
            }
            inputs = list.map(CorpusInput.init(argument:))
            shardDirectory = nil
        }
        validationInputs = (data.validation ?? []).map(CorpusInput.init(argument:))
        var reader = ReaderOptions()
        if let format = data.format {
            guard let value = RecordFormat(rawValue: format) else {
                throw invalid("data.format", "must be one of \(RecordFormat.allCases.map(\.rawValue).joined(separator: ", ")); '\(format)' was given")
            }
            reader.format = value
        }
        reader.columns = (data.columns ?? []).map(ColumnSelector.init(parsing:))
        if let fields = data.fields, !fields.isEmpty { reader.jsonFields = fields }
        if let delimiter = data.delimiter {
            guard delimiter.utf8.count == 1 || delimiter == "\\t" else { throw invalid("data.delimiter", "must be one ASCII character") }
            reader.delimiter = delimiter == "\\t" ? UInt8(ascii: "\t") : delimiter.utf8.first
        }
        reader.hasHeader = data.header ?? true
        reader.memberPatterns = data.members ?? []
        reader.maxRecordBytes = data.maxRecordBytes ?? (1 << 20)
        if let policy = data.invalidUtf8 {
            guard let value = InvalidUTF8Policy(rawValue: policy) else { throw invalid("data.invalid_utf8", "must be replace or skip") }
            reader.invalidUTF8 = value
        }
        reader.strict = data.strict ?? false
        self.reader = reader
        let validationFraction = data.validationFraction ?? (validationInputs.isEmpty ? 0.05 : 0)
        guard (0..<1).contains(validationFraction) else { throw invalid("data.validation_fraction", "must be at least 0 and below 1") }
        validationMaxSentences = data.validationMaxSentences ?? 2_000
        try bound("data.validation_max_sentences", validationMaxSentences, Limits.validationSentences)

        // Tokenizer and vocabulary.
        let t = file.tokenizer ?? TokenizerSection()
        let level: TokenizationLevel
        if let name = t.level {
            guard let value = TokenizationLevel(rawValue: name), value != .sentence else {
                throw invalid("tokenizer.level", "must be word, character, whitespace or keras; '\(name)' was given")
            }
            if kind.readsCharacters && value != .character {
                throw invalid("tokenizer.level", "must be character for the \(kind.displayName) (it reads letters); '\(name)' was given")
            }
            level = value
        } else {
            level = kind.readsCharacters ? .character : .word
        }
        var normalization = Normalization.nfc
        if let name = t.normalization {
            guard let value = Normalization(rawValue: name) else {
                throw invalid("tokenizer.normalization", "must be one of \(Normalization.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            normalization = value
        }
        let lowercase = t.lowercase ?? false
        if level == .keras {
            var keras = TokenizerConfiguration.keras(lowercase: lowercase || t.lowercaseLocale != nil)
            keras.normalization = normalization
            if let locale = t.lowercaseLocale { keras.lowercaseLocale = locale }
            tokenizer = keras
        } else {
            tokenizer = TokenizerConfiguration(level: level, normalization: normalization,
                                               lowercaseLocale: t.lowercaseLocale ?? (lowercase ? "" : nil),
                                               keepsPunctuation: !(t.dropPunctuation ?? false))
        }
        splitSentences = t.sentences ?? false
        let v = file.vocabulary ?? VocabularySection()
        vocabularyFile = v.file
        if let size = v.maxSize, size != 0, size < 5 { throw invalid("vocabulary.max_size", "counts the 4 special tokens and must be at least 5") }
        if let size = v.maxSize, size != 0 { try bound("vocabulary.max_size", size, Limits.vocabulary) }
        vocabularyMaxSize = v.maxSize.flatMap { $0 == 0 ? nil : $0 } ?? 20_000
        vocabularyMinCount = v.minCount ?? 1
        maxDistinctTokens = v.maxDistinctTokens ?? 5_000_000
        if vocabularyMinCount < 1 { throw invalid("vocabulary.min_count", "must be at least 1") }

        // Batching.
        let b = file.batching ?? BatchingSection()
        var batching = BatchingOptions()
        batching.batchSize = b.batchSize ?? (kind.readsCharacters ? 64 : 32)
        try bound("batching.batch_size", batching.batchSize, Limits.batchSize)
        // A character stream cut into windows has no sequence length to limit.
        let windowed = b.window != nil || kind == .vrnn
        if windowed, b.maxLength != nil {
            throw invalid("batching.max_length", "does not apply to character windows (every window has batching.window characters); remove it")
        }
        batching.maxLength = windowed ? nil : b.maxLength ?? (kind.readsCharacters ? 100 : 50)
        if let maxLength = batching.maxLength { try bound("batching.max_length", maxLength, Limits.maxLength) }
        if let policy = b.overLength {
            guard let value = OverLengthPolicy(rawValue: policy) else { throw invalid("batching.over_length", "must be truncate or drop") }
            batching.overLength = value
        }
        if let padding = b.padding {
            guard let value = PaddingSide(rawValue: padding) else { throw invalid("batching.padding", "must be post or pre") }
            // The model masks padding and re-pads every batch at the end, so pre-padding would
            // be accepted and change nothing: say so rather than ignore it.
            guard value == .post else {
                throw invalid("batching.padding", "cannot be pre for training: the model masks padding, so pre- and post-padded batches train identically; remove the key (pre-padding is for 'vae-pipeline batches' only)")
            }
            batching.padding = value
        }
        if let boundaries = b.bucketBoundaries {
            guard zip(boundaries, boundaries.dropFirst()).allSatisfy({ $0 < $1 }), (boundaries.first ?? 1) >= 1 else {
                throw invalid("batching.bucket_boundaries", "must be increasing positive lengths")
            }
            batching.bucketBoundaries = boundaries
        }
        if let mode = b.bucketMode {
            guard let value = BucketMode(rawValue: mode) else { throw invalid("batching.bucket_mode", "must be longest, edge or exact") }
            batching.bucketMode = value
        }
        batching.shuffleBuffer = b.shuffleBuffer ?? 10_000
        try bound("batching.shuffle_buffer", batching.shuffleBuffer, 0...Limits.shuffleBuffer)
        batching.dropRemainder = b.dropRemainder ?? false
        batching.validationFraction = validationFraction
        if kind.readsCharacters { batching.appendEnd = true }
        if windowed {
            guard kind == .characterVAE || kind == .vrnn || kind == .languageModel else {
                throw invalid("batching.window", "applies to the character models (char_vae, vrnn, lstm_lm) only; the \(kind.displayName) reads one sequence per record")
            }
            // The VRNN learns from long windows (300 characters by default, as Chung et al.'s setting).
            let window = b.window ?? 300
            try bound("batching.window", window, Limits.maxLength)
            let stride = b.stride ?? window
            try bound("batching.stride", stride, 1...window)
            batching.window = window
            batching.stride = stride
            if b.bucketBoundaries != nil || b.bucketMode != nil {
                throw invalid("batching.bucket_boundaries", "does not apply to character windows, which all have one length; remove bucket_boundaries and bucket_mode")
            }
        } else if b.stride != nil {
            throw invalid("batching.stride", "applies only with batching.window")
        }

        // Embeddings.
        if let e = file.embeddings {
            var options = EmbeddingOptions()
            if let format = e.format {
                guard let value = EmbeddingFormat(rawValue: format) else {
                    throw invalid("embeddings.format", "must be one of \(EmbeddingFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.format = value
            }
            if let member = e.member { options.memberPatterns = [member] }
            if let oov = e.oov {
                guard let value = OOVPolicy(rawValue: oov) else { throw invalid("embeddings.oov", "must be random, zero or unk") }
                options.oovPolicy = value
            }
            options.caseInsensitive = e.caseInsensitive ?? false
            if let maxDimension = e.maxDimension {
                try bound("embeddings.max_dimension", maxDimension, 1...EmbeddingOptions.dimensionHardCap)
                options.maxDimension = maxDimension
            }
            if let dimension = e.dimension {
                try bound("embeddings.dimension", dimension, 1...options.maxDimension)
                options.dimension = dimension
            }
            if let maxValue = e.maxValue {
                guard maxValue.isFinite, maxValue > 0 else { throw invalid("embeddings.max_value", "must be a positive finite number") }
                options.maxAbsoluteValue = maxValue
            }
            embeddings = EmbeddingSettings(vectors: e.vectors, options: options, freeze: e.freeze ?? false)
        } else {
            embeddings = nil
        }

        // Model.
        let m = file.model ?? ModelSection()
        func cell(_ name: String?, _ key: String, default fallback: RecurrentCellKind) throws -> RecurrentCellKind {
            guard let name else { return fallback }
            guard let value = RecurrentCellKind(rawValue: name) else { throw invalid(key, "must be lstm or gru; '\(name)' was given") }
            return value
        }
        // Keys that shape another family's model are refused, never ignored.
        func refuse(_ keys: [(String, Bool)], _ reason: String) throws {
            for (key, given) in keys where given { throw invalid(key, "does not apply to the \(kind.displayName): \(reason)") }
        }
        let encoder = m.encoder ?? .init()
        let decoder = m.decoder ?? .init()
        let recurrentCell: RecurrentCellKind = kind == .wordVAE ? .gru : .lstm
        var settings = ModelSettings(
            kind: kind, embedding: m.embedding, embeddingDropout: m.embeddingDropout ?? 0,
            encoderCell: try cell(encoder.cell, "model.encoder.cell", default: recurrentCell), encoderHidden: encoder.hidden ?? 256,
            encoderLayers: encoder.layers ?? 1, bidirectional: encoder.bidirectional ?? false, encoderDense: encoder.dense,
            latent: m.latent ?? (kind == .vrnn ? 64 : kind == .wordVAE ? 16 : 32),
            decoderCell: try cell(decoder.cell, "model.decoder.cell", default: recurrentCell), decoderHidden: decoder.hidden ?? 256,
            decoderLayers: decoder.layers ?? 1, latentToInitialState: decoder.zToInitialState ?? (kind != .characterVAE),
            latentAtEveryStep: decoder.zAtEveryStep ?? (kind == .characterVAE), wordDropout: m.wordDropout ?? 0,
            outputDropout: m.outputDropout ?? 0)
        settings.hidden = m.hidden ?? (kind == .vrnn ? 64 : 256)
        settings.teacherForcing = m.teacherForcing ?? 1
        settings.characterDropout = m.characterDropout ?? 0
        settings.windows = windowed
        switch kind {
        case .sentenceVAE, .wordVAE:
            try refuse([("model.hidden", m.hidden != nil), ("model.teacher_forcing", m.teacherForcing != nil),
                        ("model.character_dropout", m.characterDropout != nil)],
                       "it has an encoder and a decoder (model.encoder.hidden, model.decoder.hidden) and word dropout (model.word_dropout)")
        case .characterVAE:
            try refuse([("model.hidden", m.hidden != nil), ("model.word_dropout", m.wordDropout != nil),
                        ("model.embedding_dropout", m.embeddingDropout != nil), ("model.output_dropout", m.outputDropout != nil),
                        ("model.encoder.layers", (encoder.layers ?? 1) != 1), ("model.decoder.layers", (decoder.layers ?? 1) != 1),
                        ("model.encoder.bidirectional", encoder.bidirectional == true), ("model.encoder.dense", encoder.dense != nil),
                        ("model.encoder.cell", settings.encoderCell != .lstm), ("model.decoder.cell", settings.decoderCell != .lstm)],
                       "it is one LSTM layer each way; its knobs are model.embedding, model.encoder.hidden, model.latent, model.decoder.hidden (with z_to_initial_state, z_at_every_step), model.character_dropout and model.teacher_forcing")
        case .vrnn, .languageModel:
            try refuse([("model.encoder", m.encoder != nil), ("model.decoder", m.decoder != nil),
                        ("model.latent", kind == .languageModel && m.latent != nil),
                        ("model.word_dropout", m.wordDropout != nil), ("model.character_dropout", m.characterDropout != nil),
                        ("model.embedding_dropout", m.embeddingDropout != nil), ("model.output_dropout", m.outputDropout != nil),
                        ("model.teacher_forcing", m.teacherForcing != nil)],
                       kind == .vrnn ? "its knobs are model.embedding, model.hidden and model.latent" : "its knobs are model.embedding and model.hidden")
        }
        model = settings
        for (key, value, range) in [("model.encoder.hidden", model.encoderHidden, Limits.hidden), ("model.decoder.hidden", model.decoderHidden, Limits.hidden),
                                    ("model.latent", model.latent, Limits.latent), ("model.encoder.layers", model.encoderLayers, Limits.layers),
                                    ("model.decoder.layers", model.decoderLayers, Limits.layers), ("model.hidden", model.hidden, Limits.hidden)] {
            try bound(key, value, range)
        }
        if let embedding = model.embedding { try bound("model.embedding", embedding, Limits.embedding) }
        if let dense = model.encoderDense { try bound("model.encoder.dense", dense, Limits.hidden) }
        if !model.latentToInitialState && !model.latentAtEveryStep {
            throw invalid("model.decoder", "must use z somewhere: set z_to_initial_state or z_at_every_step")
        }
        for (key, value) in [("model.word_dropout", model.wordDropout), ("model.embedding_dropout", model.embeddingDropout),
                             ("model.output_dropout", model.outputDropout), ("model.character_dropout", model.characterDropout)] where !(0..<1).contains(value) {
            throw invalid(key, "must be at least 0 and below 1")
        }
        if !(0...1).contains(model.teacherForcing) { throw invalid("model.teacher_forcing", "must be between 0 and 1") }
        if kind.readsCharacters, file.embeddings != nil {
            throw invalid("embeddings", "do not apply to the \(kind.displayName): it reads characters, and word vectors have none")
        }

        // Words (the word VAE's records).
        if kind == .wordVAE {
            let w = data.words ?? WordsSection()
            let source: WordsSettings.Source
            if let name = w.from {
                guard let value = WordsSettings.Source(rawValue: name) else { throw invalid("data.words.from", "must be tokens or lines; '\(name)' was given") }
                source = value
            } else {
                source = .tokens
            }
            let minCount = w.minCount ?? 1
            try bound("data.words.min_count", minCount, 1...Int(Int32.max))
            let maxWords = w.maxWords ?? 50_000
            try bound("data.words.max_words", maxWords, WordsSettings.maxWordsLimit)
            words = WordsSettings(source: source, minCount: minCount, maxWords: maxWords, lowercase: w.lowercase ?? false)
            if shardDirectory != nil { throw invalid("data.shards", "cannot feed the word VAE, which draws its words from data.inputs") }
        } else {
            if data.words != nil { throw invalid("data.words", "applies to the word VAE (model.type: word_vae) only") }
            words = nil
        }

        // Training.
        let tr = file.training ?? TrainingSection()
        let optimizerSection = tr.optimizer ?? .init()
        let optimizer: OptimizerKind
        if let name = optimizerSection.name {
            guard let value = OptimizerKind(rawValue: name) else { throw invalid("training.optimizer.name", "must be adam or sgd") }
            optimizer = value
        } else {
            optimizer = .adam
        }
        let annealing: KLAnnealing
        if let a = tr.klAnnealing {
            switch a.schedule {
            case "constant": annealing = .constant(a.beta ?? 1)
            case "linear":
                let start = a.start ?? 0
                guard (0...1).contains(start) else { throw invalid("training.kl_annealing.start", "must be between 0 and 1") }
                annealing = .linear(steps: a.steps ?? 10_000, from: start)
            case "logistic": annealing = .logistic(k: a.k ?? 0.0025, x0: a.x0 ?? 2_500)
            case "cyclical": annealing = .cyclical(period: a.period ?? 10_000, ratio: a.ratio ?? 0.5, cycles: a.cycles)
            default: throw invalid("training.kl_annealing.schedule", "must be constant, linear, logistic or cyclical; '\(a.schedule)' was given")
            }
        } else {
            // The VRNN's reference trains with β = 1 from the start; the language model has no KL.
            annealing = kind == .vrnn || kind == .languageModel ? .constant(1) : .logistic(k: 0.0025, x0: 2_500)
        }
        if kind == .languageModel, tr.klAnnealing != nil {
            throw invalid("training.kl_annealing", "does not apply to the LSTM language model, which has no KL term; remove it")
        }
        if (kind == .languageModel || kind == .vrnn), let bits = tr.freeBits, bits != 0 {
            throw invalid("training.free_bits", "applies to models with one latent per sequence; the \(kind.displayName) has \(kind == .vrnn ? "a latent per step with a learned prior" : "no latent")")
        }
        training = TrainingSettings(
            epochs: tr.epochs ?? 10, maxSteps: tr.maxSteps, maxMinutes: tr.maxMinutes, optimizer: optimizer,
            learningRate: optimizerSection.learningRate ?? (optimizer == .adam ? 1e-3 : 0.1),
            momentum: optimizerSection.momentum ?? 0, weightDecay: optimizerSection.weightDecay ?? 0,
            clipNorm: tr.clipNorm ?? 5, annealing: annealing, freeBits: tr.freeBits ?? 0,
            validateEvery: tr.validateEvery ?? 1_000, checkpointEvery: tr.checkpointEvery ?? 1_000,
            keepLast: tr.keepLast ?? 3, logEvery: tr.logEvery ?? 50, seed: tr.seed ?? 1, samples: tr.samples ?? 5,
            batchShards: tr.batchShards ?? 2)
        if let pretrain = tr.pretrain {
            guard kind != .vrnn && kind != .languageModel else {
                throw invalid("training.pretrain", "applies to models with one latent per sequence; the \(kind.displayName) has no encoder to pretrain as an autoencoder")
            }
            try bound("training.pretrain.steps", pretrain.steps, 1...100_000_000)
            training.pretrainSteps = pretrain.steps
            training.resetDecoder = pretrain.resetDecoder ?? true
        }
        if training.epochs < 1 { throw invalid("training.epochs", "must be at least 1") }
        if let steps = training.maxSteps, steps < 1 { throw invalid("training.max_steps", "must be at least 1") }
        if let minutes = training.maxMinutes, minutes <= 0 { throw invalid("training.max_minutes", "must be positive") }
        if !(training.learningRate > 0 && training.learningRate <= Limits.learningRate) {
            throw invalid("training.optimizer.learning_rate", "must be positive and at most \(Limits.learningRate); \(training.learningRate) was given")
        }
        if !(training.clipNorm >= 0 && training.clipNorm.isFinite) { throw invalid("training.clip_norm", "must be 0 (off) or a positive number") }
        try bound("training.samples", training.samples, 0...Limits.samples)
        try bound("training.keep_last", training.keepLast, 0...Limits.keepLast)
        if training.freeBits < 0 { throw invalid("training.free_bits", "must be 0 (off) or positive") }
        if !(1...64).contains(training.batchShards) { throw invalid("training.batch_shards", "must be between 1 and 64") }
        for (key, value) in [("training.validate_every", training.validateEvery), ("training.checkpoint_every", training.checkpointEvery),
                             ("training.log_every", training.logEvery)] where value < 1 {
            throw invalid(key, "must be at least 1")
        }
        batching.shuffleSeed = b.seed ?? training.seed
        self.batching = batching
        output = file.output ?? "runs/\(name)"
    }

    /// Settings worth showing in a report, as text.
    public var summaryTable: [String: String] {
        var table: [String: String] = [
            "corpus": inputs.map(\.description).joined(separator: ", ") + (shardDirectory.map { "shards \($0.path)" } ?? ""),
            "tokenizer": "\(tokenizer.level.rawValue), \(tokenizer.normalization.rawValue)\(tokenizer.lowercaseLocale != nil ? ", lowercase" : "")",
            "batch size": "\(batching.batchSize)",
            "max length": batching.maxLength.map(String.init) ?? "none",
            "encoder": "\(model.encoderCell.rawValue) \(model.encoderHidden)\(model.bidirectional ? " ×2 (bidirectional)" : "") × \(model.encoderLayers) layer(s)\(model.encoderDense.map { ", dense \($0) + ELU" } ?? "")",
            "decoder": "\(model.decoderCell.rawValue) \(model.decoderHidden) × \(model.decoderLayers) layer(s), z → \([model.latentToInitialState ? "initial state" : nil, model.latentAtEveryStep ? "every step" : nil].compactMap { $0 }.joined(separator: " and "))",
            "latent": "\(model.latent)",
            "word dropout": "\(model.wordDropout)",
            "embedding dropout": "\(model.embeddingDropout)",
            "output dropout": "\(model.outputDropout)",
            "optimizer": "\(training.optimizer.rawValue), learning rate \(training.learningRate), clip \(training.clipNorm)",
            "KL annealing": "\(training.annealing)",
            "free bits": "\(training.freeBits)",
            "seed": "\(training.seed)",
        ]
        if let embeddings { table["embeddings"] = "\(embeddings.vectors)\(embeddings.freeze ? " (frozen)" : "")" }
        table["model"] = model.kind.displayName
        if training.pretrainSteps > 0 {
            table["pretraining"] = "autoencoder for \(training.pretrainSteps) steps\(training.resetDecoder ? ", then a fresh decoder" : "")"
        }
        if let window = batching.window { table["windows"] = "\(window) characters every \(batching.stride ?? window)" }
        switch model.kind {
        case .sentenceVAE, .wordVAE: break
        case .characterVAE:
            for key in ["word dropout", "embedding dropout", "output dropout"] { table[key] = nil }
            table["encoder"] = "lstm \(model.encoderHidden)"
            table["decoder"] = "lstm \(model.decoderHidden), z → \([model.latentToInitialState ? "initial state" : nil, model.latentAtEveryStep ? "every step" : nil].compactMap { $0 }.joined(separator: " and "))"
            table["character dropout"] = "\(model.characterDropout)"
            table["teacher forcing"] = "\(model.teacherForcing)"
        case .vrnn, .languageModel:
            for key in ["word dropout", "embedding dropout", "output dropout", "encoder", "decoder"] { table[key] = nil }
            table[model.kind == .vrnn ? "GRU" : "LSTM"] = "\(model.hidden)"
            if model.kind == .languageModel { table["latent"] = nil; table["KL annealing"] = nil; table["free bits"] = nil }
        }
        if let words { table["words"] = "\(words.source.rawValue), min count \(words.minCount), at most \(words.maxWords)\(words.lowercase ? ", lowercased" : "")" }
        return table
    }
}
