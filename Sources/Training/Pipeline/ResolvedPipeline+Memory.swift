import Foundation
import Models

extension ResolvedPipeline {
    /// A rough lower bound of the bytes training `configuration` takes: weights, gradients,
    /// the optimiser's moments and the replicas' gradients, plus one batch's activations
    /// (logits over the vocabulary for every target token dominate).
    public func estimatedTrainingBytes(_ configuration: ModelConfiguration) -> (weights: Double, activations: Double) {
        let copies = 4.0 + Double(training.batchShards)  // value, gradient, two moments, replica gradients
        let tokens = Double(batching.batchSize) * Double((batching.window ?? batching.maxLength ?? 50) + 1)
        switch configuration {
        case .sentenceVAE(let c), .wordVAE(let c):
            return estimatedTrainingBytes(sentence: c, copies: copies, tokens: tokens)
        case .characterVAE(let c):
            let v = Double(c.vocabularySize), e = Double(c.embeddingDimension), he = Double(c.encoderHidden),
                hd = Double(c.decoderHidden)
            let z = Double(c.latent)
            let parameters = v * e + 4 * he * (e + he + 2) + 2 * (he * z + z) + 4 * hd * (e + z + hd + 2) + hd * v + v
            return (4 * parameters * copies, 4 * tokens * (2 * v + 6 * he + 6 * hd + 2 * e))
        case .vrnn(let c):
            let v = Double(c.vocabularySize), e = Double(c.embeddingDimension), h = Double(c.hidden),
                z = Double(c.latent)
            let parameters = v * e + e * h + z * h + 3 * h * h + 4 * h * z + 2 * h * h + h * v + 3 * h * (3 * h + 2)
            return (4 * parameters * copies, 4 * tokens * (2 * v + 16 * h + 8 * z + 2 * e))
        case .languageModel(let c):
            let v = Double(c.vocabularySize), e = Double(c.embeddingDimension), h = Double(c.hidden)
            let parameters = v * e + 4 * h * (e + h + 2) + h * v + v
            return (4 * parameters * copies, 4 * tokens * (2 * v + 6 * h + 2 * e))
        }
    }

    private func estimatedTrainingBytes(sentence c: SentenceVAEConfiguration, copies: Double, tokens: Double) -> (
        weights: Double, activations: Double
    ) {
        let v = Double(c.vocabularySize), e = Double(c.embeddingDimension), z = Double(c.latent)
        func gates(_ cell: RecurrentCellKind) -> Double { cell == .gru ? 3 : 4 }
        func recurrent(_ cell: RecurrentCellKind, input: Double, hidden: Double, layers: Int, directions: Double)
            -> Double
        {
            var total = 0.0, width = input
            for _ in 0..<layers {
                total += gates(cell) * hidden * (width + hidden + 2) * directions
                width = hidden * directions
            }
            return total
        }
        let directions: Double = c.bidirectional ? 2 : 1
        let encoderHidden = Double(c.encoderHidden), decoderHidden = Double(c.decoderHidden)
        let summary = encoderHidden * directions
        var parameters = v * e
        parameters += recurrent(
            c.encoderCell, input: e, hidden: encoderHidden, layers: c.encoderLayers, directions: directions)
        let dense = c.encoderDense.map(Double.init)
        parameters += (dense.map { summary * $0 + $0 } ?? 0) + 2 * ((dense ?? summary) * z + z)
        parameters += recurrent(
            c.decoderCell, input: Double(c.decoderInputWidth), hidden: decoderHidden, layers: c.decoderLayers,
            directions: 1)
        parameters += c.latentToInitialState ? 2 * z * decoderHidden * Double(c.decoderLayers) : 0
        parameters += decoderHidden * v + v
        let perToken =
            2 * v + (gates(c.encoderCell) + 2) * summary * Double(c.encoderLayers)
            + (gates(c.decoderCell) + 2) * decoderHidden * Double(c.decoderLayers) + 2 * e
        return (4 * parameters * copies, 4 * tokens * perToken)
    }

    /// The memory the kernel says can be allocated without swapping (MemAvailable), if known.
    public static func availableMemory() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kilobytes = Double(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// Refuses, before anything is allocated, a model and batch that need more memory than is
    /// available, naming the settings to lower.
    public func checkMemory(
        _ configuration: ModelConfiguration, available: Double? = ResolvedPipeline.availableMemory()
    ) throws {
        guard let available else { return }
        let (weights, activations) = estimatedTrainingBytes(configuration)
        guard weights + activations > available else { return }
        func gigabytes(_ bytes: Double) -> String { String(format: "%.1f GB", bytes / 1e9) }
        let advice =
            activations > weights
            ? "lower batching.batch_size (--batch-size) or batching.max_length, or a smaller vocabulary "
                + "(vocabulary.max_size)"
            : "lower vocabulary.max_size, model.embedding or the hidden sizes (model.encoder.hidden, "
                + "model.decoder.hidden)"
        throw TrainingError.invalidSetting(
            "Training this model needs about \(gigabytes(weights + activations)) of memory (\(gigabytes(weights)) for "
                + "weights, gradients and optimiser state, \(gigabytes(activations)) for one batch of "
                    + "\(batching.batchSize) sentences over a vocabulary of \(configuration.vocabularySize)), but "
                        + "only \(gigabytes(available)) is available; \(advice)."
        )
    }
}
