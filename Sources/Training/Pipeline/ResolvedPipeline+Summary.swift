import Models
import Tokenization

extension ResolvedPipeline {
    /// Settings worth showing in a report, as text.
    public var summaryTable: [String: String] {
        let tokens = tokenizer.configuration
        let lowercase = tokens.lowercaseLocale != nil ? ", lowercase" : ""
        // Where the decoder sees z.
        let latentInputs = [
            model.latentToInitialState ? "initial state" : nil, model.latentAtEveryStep ? "every step" : nil
        ].compactMap { $0 }.joined(separator: " and ")
        let corpus =
            source.inputs.map(\.description).joined(separator: ", ")
            + (source.shardDirectory.map { "shards \($0.path)" } ?? "")
        var table: [String: String] = [
            "corpus": corpus,
            "tokenizer": "\(tokens.level.rawValue), \(tokens.normalization.rawValue)\(lowercase)",
            "batch size": "\(batching.batchSize)",
            "max length": batching.maxLength.map(String.init) ?? "none",
            "encoder":
                "\(model.encoderCell.rawValue) "
                    + "\(model.encoderHidden)\(model.bidirectional ? " ×2 (bidirectional)" : "") × "
                        + "\(model.encoderLayers) layer(s)\(model.encoderDense.map { ", dense \($0) + ELU" } ?? "")",
            "decoder":
                "\(model.decoderCell.rawValue) \(model.decoderHidden) × \(model.decoderLayers) layer(s), z → "
                    + latentInputs,
            "latent": "\(model.latent)",
            "word dropout": "\(model.wordDropout)",
            "embedding dropout": "\(model.embeddingDropout)",
            "output dropout": "\(model.outputDropout)",
            "optimizer":
                "\(training.optimizer.rawValue), learning rate \(training.learningRate)\(training.decayDescription), "
                + "clip \(training.clipNorm)",
            "KL annealing": "\(training.annealing)",
            "free bits": "\(training.freeBits)",
            "seed": "\(training.seed)"
        ]
        if let embeddings { table["embeddings"] = "\(embeddings.vectors)\(embeddings.freeze ? " (frozen)" : "")" }
        table["model"] = model.kind.displayName
        if model.tieEmbeddings { table["output layer"] = "the embedding table (tied)" }
        if training.pretrainSteps > 0 {
            table["pretraining"] =
                "autoencoder for \(training.pretrainSteps) "
                    + "steps\(training.resetDecoder ? ", then a fresh decoder" : "")"
        }
        if let after = training.weightAverageAfter {
            table["weight average"] =
                "the mean of every step's weights after \(String(format: "%g", after * 100))% of the budget "
                + "(validated, checkpointed and used afterwards)"
        }
        if let aggressive = training.aggressiveInference {
            table["aggressive inference"] =
                "up to \(aggressive.maxEncoderUpdates) encoder updates per step, "
                + "checked every \(aggressive.checkEvery), until validation MI stops rising"
        }
        if let window = batching.window { table["windows"] = "\(window) characters every \(batching.stride ?? window)" }
        switch model.kind {
        case .sentenceVAE, .wordVAE: break
        case .characterVAE:
            for key in ["word dropout", "embedding dropout", "output dropout"] { table[key] = nil }
            table["encoder"] = "lstm \(model.encoderHidden)"
            table["decoder"] =
                "lstm \(model.decoderHidden), z → "
                    + latentInputs
            table["character dropout"] = "\(model.characterDropout)"
            table["teacher forcing"] = "\(model.teacherForcing)"
        case .vrnn, .languageModel:
            for key in ["word dropout", "embedding dropout", "output dropout", "encoder", "decoder"] {
                table[key] = nil
            }
            table[model.kind == .vrnn ? "GRU" : "LSTM"] = "\(model.hidden)"
            if model.kind == .languageModel {
                table["latent"] = nil; table["KL annealing"] = nil; table["free bits"] = nil
            }
        }
        if let words {
            table["words"] =
                "\(words.source.rawValue), min count \(words.minCount), at most "
                    + "\(words.maxWords)\(words.lowercase ? ", lowercased" : "")"
        }
        return table
    }
}
