import Foundation
import Models

extension ResolvedPipeline {
    /// A rough lower bound of the bytes training `configuration` takes: weights, gradients,
    /// the optimiser's moments and the replicas' gradients, plus one batch's activations
    /// (logits over the vocabulary for every target token dominate).
    public func estimatedTrainingBytes(_ configuration: SentenceVAEConfiguration) -> (weights: Double, activations: Double) {
        let c = configuration
        let v = Double(c.vocabularySize), e = Double(c.embeddingDimension), z = Double(c.latent)
        func gates(_ cell: RecurrentCellKind) -> Double { cell == .gru ? 3 : 4 }
        func recurrent(_ cell: RecurrentCellKind, input: Double, hidden: Double, layers: Int, directions: Double) -> Double {
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
        parameters += recurrent(c.encoderCell, input: e, hidden: encoderHidden, layers: c.encoderLayers, directions: directions)
        let dense = c.encoderDense.map(Double.init)
        parameters += (dense.map { summary * $0 + $0 } ?? 0) + 2 * ((dense ?? summary) * z + z)
        parameters += recurrent(c.decoderCell, input: Double(c.decoderInputWidth), hidden: decoderHidden, layers: c.decoderLayers, directions: 1)
        parameters += c.latentToInitialState ? 2 * z * decoderHidden * Double(c.decoderLayers) : 0
        parameters += decoderHidden * v + v
        let copies = 4.0 + Double(training.batchShards)  // value, gradient, two moments, replica gradients
        let tokens = Double(batching.batchSize) * Double((batching.maxLength ?? 50) + 1)
        let perToken = 2 * v + (gates(c.encoderCell) + 2) * summary * Double(c.encoderLayers)
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
    public func checkMemory(_ configuration: SentenceVAEConfiguration, available: Double? = ResolvedPipeline.availableMemory()) throws {
        guard let available else { return }
        let (weights, activations) = estimatedTrainingBytes(configuration)
        guard weights + activations > available else { return }
        func gigabytes(_ bytes: Double) -> String { String(format: "%.1f GB", bytes / 1e9) }
        let advice = activations > weights
            ? "lower batching.batch_size (--batch-size) or batching.max_length, or a smaller vocabulary (vocabulary.max_size)"
            : "lower vocabulary.max_size, model.embedding or the hidden sizes (model.encoder.hidden, model.decoder.hidden)"
        throw TrainingError.invalidSetting("Training this model needs about \(gigabytes(weights + activations)) of memory (\(gigabytes(weights)) for weights, gradients and optimiser state, \(gigabytes(activations)) for one batch of \(batching.batchSize) sentences over a vocabulary of \(configuration.vocabularySize)), but only \(gigabytes(available)) is available; \(advice).")
    }
}
