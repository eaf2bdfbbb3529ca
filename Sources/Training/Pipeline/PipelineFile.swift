import Batching
import CorpusReader
import Embeddings
import Foundation
import Models
import NeuralCore
import TokenShards
import Tokenization

/// A declarative training run, as written in `pipelines/*.yaml`: where the corpus is, how it is
/// tokenized and batched, the model, and the training schedule.
///
/// Every field is optional except `data.inputs` (or `data.shards`); ``ResolvedPipeline`` fills in
/// the defaults, and command-line flags override the file. Keys are snake_case; unknown keys are
/// errors (a misspelt `lerning_rate` must not silently train with the default). Settings chosen
/// by name decode straight into their types (``PipelineChoice``).
public struct PipelineFile: Codable, Sendable, Equatable {
    public var name: String?
    public var data: DataSection
    public var tokenizer: TokenizerSection?
    public var vocabulary: VocabularySection?
    public var batching: BatchingSection?
    public var embeddings: EmbeddingsSection?
    public var model: ModelSection?
    public var training: TrainingSection?
    /// The run directory (relative to the pipeline file; `--out` on the command line is relative to
    /// the working directory).
    public var output: String?

    public init(data: DataSection) { self.data = data }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, data, tokenizer, vocabulary, batching, embeddings, model, training, output
    }
}

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

/// The word VAE's records: the distinct words of the inputs, each spelt as a sequence of letters.
public struct WordsSection: Codable, Sendable, Equatable {
    public var from: WordsSource?
    /// Words seen fewer times are left out.
    public var minCount: Int?
    /// At most this many words, the most frequent first (ties by the words' order).
    public var maxWords: Int?
    /// Lowercase the words (ICU root locale).
    public var lowercase: Bool?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case from, lowercase
        case minCount = "min_count"
        case maxWords = "max_words"
    }
}

public struct TokenizerSection: Codable, Sendable, Equatable {
    /// Word (default; character for the character models), character, whitespace or keras.
    public var level: TokenizationLevel?
    public var normalization: Normalization?
    public var lowercase: Bool?
    public var lowercaseLocale: String?
    public var dropPunctuation: Bool?
    public var sentences: Bool?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case level, normalization, lowercase, sentences
        case lowercaseLocale = "lowercase_locale"
        case dropPunctuation = "drop_punctuation"
    }
}

public struct VocabularySection: Codable, Sendable, Equatable {
    /// A finished vocabulary (vocab.json) to use instead of building one.
    public var file: String?
    /// Size including the four special tokens.
    public var maxSize: Int?
    public var minCount: Int?
    public var maxDistinctTokens: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case file
        case maxSize = "max_size"
        case minCount = "min_count"
        case maxDistinctTokens = "max_distinct_tokens"
    }
}

public struct BatchingSection: Codable, Sendable, Equatable {
    public var batchSize: Int?
    public var maxLength: Int?
    public var overLength: OverLengthPolicy?
    /// Only `post` trains (the model masks padding); `pre` is refused.
    public var padding: PaddingSide?
    public var bucketBoundaries: [Int]?
    public var bucketMode: BucketMode?
    public var shuffleBuffer: Int?
    public var seed: UInt64?
    public var dropRemainder: Bool?
    /// Character models: windows of this many characters over the stream of records (each
    /// record ended by `<eos>`) instead of one sequence per record.
    public var window: Int?
    /// The step between windows' starts (default: the window, no overlap).
    public var stride: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case padding, seed, window, stride
        case batchSize = "batch_size"
        case maxLength = "max_length"
        case overLength = "over_length"
        case bucketBoundaries = "bucket_boundaries"
        case bucketMode = "bucket_mode"
        case shuffleBuffer = "shuffle_buffer"
        case dropRemainder = "drop_remainder"
    }
}

public struct EmbeddingsSection: Codable, Sendable, Equatable {
    /// GloVe / word2vec / fastText vectors (plain, compressed or in an archive).
    public var vectors: String
    public var member: String?
    public var format: EmbeddingFormat?
    /// Vectors for vocabulary words the file lacks.
    public var oov: OOVPolicy?
    public var caseInsensitive: Bool?
    /// Keep the loaded vectors fixed during training.
    public var freeze: Bool?
    /// The vector size to read (as `embeddings --dimension`); default: the header's or the most
    /// common among the first lines.
    public var dimension: Int?
    /// The largest vector size accepted (as `--max-dimension`; default 10,000).
    public var maxDimension: Int?
    /// Values above this magnitude are skipped as implausible (as `--max-value`; default 1e6).
    public var maxValue: Float?

    public init(vectors: String) { self.vectors = vectors }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vectors, member, format, oov, freeze, dimension
        case caseInsensitive = "case_insensitive"
        case maxDimension = "max_dimension"
        case maxValue = "max_value"
    }
}

public struct ModelSection: Codable, Sendable, Equatable {
    /// The model family (default: the sentence VAE).
    public var type: ModelKind?
    /// The one recurrent width of the VRNN and the LSTM language model.
    public var hidden: Int?
    /// Character VAE: the probability of feeding the true previous character to the decoder
    /// in training (else the model's own greedy choice); 1 (default) is full teacher forcing.
    public var teacherForcing: Float?
    /// Character VAE: probability of replacing a decoder input character by the start symbol.
    public var characterDropout: Float?
    /// Word-embedding size (must match the vectors when `embeddings` is given).
    public var embedding: Int?
    public var embeddingDropout: Float?
    public var encoder: EncoderSection?
    public var latent: Int?
    public var decoder: DecoderSection?
    public var wordDropout: Float?
    /// Dropout on the decoder's hidden states before the output projection.
    public var outputDropout: Float?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, embedding, encoder, latent, decoder, hidden
        case teacherForcing = "teacher_forcing"
        case characterDropout = "character_dropout"
        case embeddingDropout = "embedding_dropout"
        case wordDropout = "word_dropout"
        case outputDropout = "output_dropout"
    }

    public struct EncoderSection: Codable, Sendable, Equatable {
        public var cell: RecurrentCellKind?
        public var hidden: Int?
        public var layers: Int?
        public var bidirectional: Bool?
        /// A dense layer with ELU between the encoder and μ / log σ² (the Keras model).
        public var dense: Int?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case cell, hidden, layers, bidirectional, dense }
    }

    public struct DecoderSection: Codable, Sendable, Equatable {
        public var cell: RecurrentCellKind?
        public var hidden: Int?
        public var layers: Int?
        public var zToInitialState: Bool?
        public var zAtEveryStep: Bool?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case cell, hidden, layers
            case zToInitialState = "z_to_initial_state"
            case zAtEveryStep = "z_at_every_step"
        }
    }
}

public struct TrainingSection: Codable, Sendable, Equatable {
    public var epochs: Int?
    public var maxSteps: Int?
    /// Stop (with a final checkpoint) after this much wall time.
    public var maxMinutes: Double?
    public var optimizer: OptimizerSection?
    public var clipNorm: Float?
    public var klAnnealing: KLAnnealingSection?
    /// Per-dimension KL floor in nats (Kingma et al. 2016); 0 turns it off.
    public var freeBits: Float?
    public var validateEvery: Int?
    public var checkpointEvery: Int?
    public var keepLast: Int?
    public var logEvery: Int?
    public var seed: UInt64?
    /// Reconstructions and prior samples printed at each validation.
    public var samples: Int?
    /// Slices each batch is cut into, run concurrently on model replicas (data parallelism).
    public var batchShards: Int?
    /// An autoencoder phase first (β = 0), then the decoder re-initialised (Li et al. 2019).
    public var pretrain: PretrainSection?
    /// Rounds of encoder-only updates before each decoder update until the validation mutual
    /// information stops rising (He et al. 2019).
    public var aggressiveInference: AggressiveInferenceSection?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs, optimizer, seed, samples, pretrain
        case aggressiveInference = "aggressive_inference"
        case maxSteps = "max_steps"
        case maxMinutes = "max_minutes"
        case clipNorm = "clip_norm"
        case klAnnealing = "kl_annealing"
        case freeBits = "free_bits"
        case validateEvery = "validate_every"
        case checkpointEvery = "checkpoint_every"
        case keepLast = "keep_last"
        case logEvery = "log_every"
        case batchShards = "batch_shards"
    }

    public struct OptimizerSection: Codable, Sendable, Equatable {
        public var name: OptimizerKind?
        public var learningRate: Float?
        public var momentum: Float?
        public var weightDecay: Float?
        /// The rate falls over the last part of the run's budget (`max_steps` or `max_minutes`).
        public var decay: DecaySection?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, momentum, decay
            case learningRate = "learning_rate"
            case weightDecay = "weight_decay"
        }
    }

    public struct DecaySection: Codable, Sendable, Equatable {
        /// `linear` (default) or `cosine`.
        public var shape: LearningRateDecay.Shape?
        /// The share of the budget (0 ..< 1) after which the rate falls (default 0).
        public var after: Double?
        /// The final rate as a share of `learning_rate` (default 0).
        public var to: Double?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case shape, after, to
        }
    }

    public struct PretrainSection: Codable, Sendable, Equatable {
        /// Steps trained as an autoencoder (β = 0) before the KL term comes in.
        public var steps: Int
        /// Re-initialise the decoder (and its optimiser state) when the phase ends (default true).
        public var resetDecoder: Bool?
        public init(steps: Int) { self.steps = steps }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case steps
            case resetDecoder = "reset_decoder"
        }
    }

    public struct AggressiveInferenceSection: Codable, Sendable, Equatable {
        /// At most this many encoder updates before each decoder update (default 100).
        public var maxEncoderUpdates: Int?
        /// The encoder's round ends early when its mean loss over this many updates stopped
        /// falling (default 15).
        public var checkEvery: Int?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxEncoderUpdates = "max_encoder_updates"
            case checkEvery = "check_every"
        }
    }

    public struct KLAnnealingSection: Codable, Sendable, Equatable {
        public var schedule: KLScheduleKind
        public var beta: Float?
        /// β at step 0 of a linear schedule (texar starts at 0.1).
        public var start: Float?
        public var steps: Int?
        public var k: Float?
        public var x0: Int?
        public var period: Int?
        public var ratio: Float?
        public var cycles: Int?
        public init(schedule: KLScheduleKind) { self.schedule = schedule }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case schedule, beta, start, steps, k, x0, period, ratio, cycles
        }
    }
}
