import Models
import NeuralCore
import Support
import Tokenization

extension ResolvedPipeline {
    /// The model's shape before the vocabulary size is known (`model`).
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
        /// The output layer's weight is the embedding table.
        public var tieEmbeddings = false
        /// The VRNN's and the language model's recurrent width.
        public var hidden: Int = 64
        public var teacherForcing: Float = 1
        public var characterDropout: Float = 0
        /// Whether a character model reads windows of a stream (no end symbol) or lines.
        public var windows = false

        /// The family's defaults for every key the section leaves out; `windows` when batching
        /// cuts a character stream into windows.
        init(
            _ section: ModelSection, for kind: ModelKind, windows: Bool,
            checks: PipelineChecks
        ) throws(PipelineError) {
            let encoder = section.encoder ?? .init()
            let decoder = section.decoder ?? .init()
            let recurrentCell: RecurrentCellKind = kind == .wordVAE ? .gru : .lstm
            self.kind = kind
            embedding = section.embedding
            embeddingDropout = section.embeddingDropout ?? 0
            encoderCell = encoder.cell ?? recurrentCell
            encoderHidden = encoder.hidden ?? 256
            encoderLayers = encoder.layers ?? 1
            bidirectional = encoder.bidirectional ?? false
            encoderDense = encoder.dense
            latent = section.latent ?? (kind == .vrnn ? 64 : kind == .wordVAE ? 16 : 32)
            decoderCell = decoder.cell ?? recurrentCell
            decoderHidden = decoder.hidden ?? 256
            decoderLayers = decoder.layers ?? 1
            latentToInitialState = decoder.zToInitialState ?? (kind != .characterVAE)
            latentAtEveryStep = decoder.zAtEveryStep ?? (kind == .characterVAE)
            wordDropout = section.wordDropout ?? 0
            outputDropout = section.outputDropout ?? 0
            tieEmbeddings = section.tieEmbeddings ?? false
            hidden = section.hidden ?? (kind == .vrnn ? 64 : 256)
            teacherForcing = section.teacherForcing ?? 1
            characterDropout = section.characterDropout ?? 0
            self.windows = windows
            try validate(section, checks: checks)
        }

        private func validate(_ section: ModelSection, checks: PipelineChecks) throws(PipelineError) {
            try refuseOtherFamilies(section, checks: checks)
            let sizes = [
                ("model.encoder.hidden", encoderHidden, Limits.hidden),
                ("model.decoder.hidden", decoderHidden, Limits.hidden), ("model.latent", latent, Limits.latent),
                ("model.encoder.layers", encoderLayers, Limits.layers),
                ("model.decoder.layers", decoderLayers, Limits.layers), ("model.hidden", hidden, Limits.hidden)
            ]
            for (key, value, range) in sizes { try checks.bound(key, value, range) }
            if let embedding { try checks.bound("model.embedding", embedding, Limits.embedding) }
            if let encoderDense { try checks.bound("model.encoder.dense", encoderDense, Limits.hidden) }
            if !latentToInitialState && !latentAtEveryStep {
                throw checks.invalid("model.decoder", "must use z somewhere: set z_to_initial_state or z_at_every_step")
            }
            let dropouts = [
                ("model.word_dropout", wordDropout), ("model.embedding_dropout", embeddingDropout),
                ("model.output_dropout", outputDropout), ("model.character_dropout", characterDropout)
            ]
            for (key, value) in dropouts where !(0..<1).contains(value) {
                throw checks.invalid(key, "must be at least 0 and below 1")
            }
            if tieEmbeddings && embedding != decoderHidden {
                let given = embedding.map { "is \($0)" } ?? "is not given"
                throw checks.invalid(
                    "model.tie_embeddings",
                    "needs model.embedding equal to model.decoder.hidden (\(decoderHidden)): the output layer scores "
                        + "tokens with the embedding table, and model.embedding \(given)")
            }
            if !(0...1).contains(teacherForcing) {
                throw checks.invalid("model.teacher_forcing", "must be between 0 and 1")
            }
        }

        /// Keys that shape another family's model are refused, never ignored.
        private func refuseOtherFamilies(_ section: ModelSection, checks: PipelineChecks) throws(PipelineError) {
            let encoder = section.encoder ?? .init()
            let notHere = "does not apply to the \(kind.displayName): "
            switch kind {
            case .sentenceVAE, .wordVAE:
                try checks.refuse(
                    [
                        ("model.hidden", section.hidden != nil),
                        ("model.teacher_forcing", section.teacherForcing != nil),
                        ("model.character_dropout", section.characterDropout != nil)
                    ],
                    notHere + "it has an encoder and a decoder (model.encoder.hidden, model.decoder.hidden) "
                        + "and word dropout (model.word_dropout)")
            case .characterVAE:
                try checks.refuse(
                    [
                        ("model.hidden", section.hidden != nil), ("model.word_dropout", section.wordDropout != nil),
                        ("model.embedding_dropout", section.embeddingDropout != nil),
                        ("model.output_dropout", section.outputDropout != nil),
                        ("model.tie_embeddings", section.tieEmbeddings != nil),
                        ("model.encoder.layers", encoderLayers != 1), ("model.decoder.layers", decoderLayers != 1),
                        ("model.encoder.bidirectional", encoder.bidirectional == true),
                        ("model.encoder.dense", encoder.dense != nil),
                        ("model.encoder.cell", encoderCell != .lstm), ("model.decoder.cell", decoderCell != .lstm)
                    ],
                    notHere + "it is one LSTM layer each way; its knobs are model.embedding, model.encoder.hidden, "
                        + "model.latent, model.decoder.hidden (with z_to_initial_state, z_at_every_step), "
                        + "model.character_dropout and model.teacher_forcing")
            case .vrnn, .languageModel:
                let knobs =
                    kind == .vrnn
                    ? "model.embedding, model.hidden and model.latent" : "model.embedding and model.hidden"
                try checks.refuse(
                    [
                        ("model.encoder", section.encoder != nil), ("model.decoder", section.decoder != nil),
                        ("model.latent", kind == .languageModel && section.latent != nil),
                        ("model.word_dropout", section.wordDropout != nil),
                        ("model.character_dropout", section.characterDropout != nil),
                        ("model.embedding_dropout", section.embeddingDropout != nil),
                        ("model.output_dropout", section.outputDropout != nil),
                        ("model.tie_embeddings", section.tieEmbeddings != nil),
                        ("model.teacher_forcing", section.teacherForcing != nil)
                    ],
                    notHere + "its knobs are " + knobs)
            }
        }

        /// The model configuration for a vocabulary of `vocabularySize` ids and vectors of `dimension`.
        public func configuration(vocabularySize: Int, embeddingDimension: Int, freeze: Bool) -> ModelConfiguration {
            let start = Int(SpecialToken.begin.id), end = windows ? nil : Int(SpecialToken.end.id)
            switch kind {
            case .sentenceVAE:
                return .sentenceVAE(
                    sentenceConfiguration(
                        vocabularySize: vocabularySize,
                        embeddingDimension: embeddingDimension, freeze: freeze))
            case .wordVAE:
                return .wordVAE(
                    sentenceConfiguration(
                        vocabularySize: vocabularySize,
                        embeddingDimension: embeddingDimension, freeze: freeze))
            case .characterVAE:
                var c = CharacterVAEConfiguration(
                    vocabularySize: vocabularySize, embeddingDimension: embeddingDimension,
                    encoderHidden: encoderHidden, latent: latent, decoderHidden: decoderHidden,
                    startSymbol: start, characterDropout: characterDropout)
                c.endSymbol = end
                c.teacherForcing = teacherForcing < 1 ? teacherForcing : nil
                // Stored only when they differ from the reference (z at every step only).
                c.latentToInitialState = latentToInitialState ? true : nil
                c.latentAtEveryStep = latentAtEveryStep ? nil : false
                return .characterVAE(c)
            case .vrnn:
                return .vrnn(
                    VRNNConfiguration(
                        vocabularySize: vocabularySize, embeddingDimension: embeddingDimension,
                        hidden: hidden, latent: latent))
            case .languageModel:
                return .languageModel(
                    LanguageModelConfiguration(
                        vocabularySize: vocabularySize, embeddingDimension: embeddingDimension, hidden: hidden,
                        startSymbol: start, endSymbol: end))
            }
        }

        /// The default embedding width when neither the file nor the vectors give one.
        public var defaultEmbedding: Int { kind == .sentenceVAE ? 300 : 64 }

        /// The sentence (or word) VAE's configuration.
        func sentenceConfiguration(
            vocabularySize: Int, embeddingDimension: Int,
            freeze: Bool
        ) -> SentenceVAEConfiguration {
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
            c.tieOutputToEmbedding = tieEmbeddings ? true : nil
            return c
        }
    }
}
