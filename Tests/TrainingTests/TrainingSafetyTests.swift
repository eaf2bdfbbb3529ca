import Foundation
import Models
import Testing

@testable import Training

@Suite struct TrainingSafetyTests {
    func resolved(_ yaml: String) throws -> ResolvedPipeline {
        try ResolvedPipeline(PipelineFile.parse("data: {inputs: [a.txt]}\n" + yaml, file: "p.yaml"), path: "p.yaml")
    }

    @Test func sizesBeyondTheirBoundsNameTheSetting() throws {
        for (yaml, key) in [
            ("model: {latent: 5000}", "model.latent"), ("model: {decoder: {hidden: 20000}}", "model.decoder.hidden"),
            ("model: {embedding: 5000}", "model.embedding"),
            ("model: {encoder: {layers: 100}}", "model.encoder.layers"),
            ("batching: {batch_size: 100000}", "batching.batch_size"),
            ("batching: {max_length: 1000000}", "batching.max_length"),
            ("vocabulary: {max_size: 9000000}", "vocabulary.max_size"),
            ("training: {optimizer: {learning_rate: 1000000}}", "training.optimizer.learning_rate")
        ] {
            #expect {
                _ = try resolved(yaml)
            } throws: { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                return message.contains("p.yaml") && message.contains("'\(key)'")
                    && (message.contains("between") || message.contains("at most"))
            }
        }
        _ = try resolved(
            "model: {latent: 4096, embedding: 4096, encoder: {hidden: 16384}}\nbatching: {batch_size: 65536}")
    }

    @Test func prePaddingIsRefusedBecauseTrainingIgnoresIt() throws {
        #expect {
            _ = try resolved("batching: {padding: pre}")
        } throws: { error in
            ((error as? LocalizedError)?.errorDescription ?? "").contains(
                "'batching.padding' cannot be pre for training")
        }
        #expect(try resolved("batching: {padding: post}").batching.padding == .post)
    }

    @Test func aModelThatDoesNotFitTheMemoryIsRefusedNamingWhatToLower() throws {
        let pipeline = try resolved("batching: {batch_size: 65536, max_length: 200}")
        let configuration = pipeline.model.configuration(vocabularySize: 20_000, embeddingDimension: 300, freeze: false)
        #expect {
            try pipeline.checkMemory(configuration, available: 8e9)
        } throws: { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            return message.contains("batching.batch_size") && message.contains("8.0 GB is available")
        }
        let wide = try resolved("model: {embedding: 4096, decoder: {hidden: 16384}}")
        #expect {
            try wide.checkMemory(
                wide.model.configuration(vocabularySize: 2_000_000, embeddingDimension: 4096, freeze: false),
                available: 8e9)
        } throws: { error in
            ((error as? LocalizedError)?.errorDescription ?? "").contains("lower vocabulary.max_size")
        }
        // The default model fits a small machine.
        let small = try resolved("")
        try small.checkMemory(
            small.model.configuration(vocabularySize: 20_000, embeddingDimension: 300, freeze: false), available: 2e9)
        #expect(ResolvedPipeline.availableMemory().map { $0 > 0 } ?? true)
    }

    @Test func divergenceIsALossOrGradientFarAboveItsLevelAfterWarmUp() throws {
        var monitor = DivergenceMonitor(initialWeightNorm: 10)
        // The first steps' gradients may move a lot without being judged.
        try monitor.check(loss: 100, gradientNorm: 1)
        try monitor.check(loss: 90, gradientNorm: 500)
        for _ in 0..<20 { try monitor.check(loss: 80, gradientNorm: 2); try monitor.check(weightNorm: 11) }
        // Noisy but healthy steps pass.
        try monitor.check(loss: 400, gradientNorm: 50)
        #expect(throws: DivergenceMonitor.Divergence.self) { try monitor.check(loss: 1.4e13, gradientNorm: 3) }
        var gradients = DivergenceMonitor(initialWeightNorm: 10)
        for _ in 0..<20 { try gradients.check(loss: 80, gradientNorm: 2) }
        #expect {
            try gradients.check(loss: 80, gradientNorm: 1e6)
        } throws: { error in
            (error as? DivergenceMonitor.Divergence)?.quantity == "gradient norm"
        }
    }

    @Test func aLossBlowingUpAtTheSecondStepIsCaught() throws {
        // Adam at a learning rate of 10: 77.6 at the first step, 1e8 at the second.
        var monitor = DivergenceMonitor(initialWeightNorm: 10)
        try monitor.check(loss: 77.6, gradientNorm: 5.2)
        #expect(throws: DivergenceMonitor.Divergence(quantity: "loss", value: 1.06e8, level: 77.6)) {
            try monitor.check(loss: 1.06e8, gradientNorm: 1.5e8)
        }
    }

    @Test func aLossClimbingSlowlyIsCaughtByItsCeiling() throws {
        // Adam at a learning rate of 1: the loss climbs a few times per step, dragging its
        // running level along, and passes ten times its first level by the third step.
        var monitor = DivergenceMonitor(initialWeightNorm: 10)
        for (step, loss) in [77.6, 730.5].enumerated() {
            try monitor.check(loss: loss, lossPerToken: loss / 12, gradientNorm: 5 + Double(step))
        }
        #expect {
            try monitor.check(loss: 898.7, lossPerToken: 898.7 / 12, gradientNorm: 6)
        } throws: { error in
            (error as? DivergenceMonitor.Divergence)?.quantity == "loss per token"
        }
    }

    @Test func nonFiniteFiguresAndJumpingWeightsDivergeAtOnce() throws {
        var monitor = DivergenceMonitor(initialWeightNorm: 10)
        #expect(throws: DivergenceMonitor.Divergence(quantity: "loss", value: .infinity, level: nil)) {
            try monitor.check(loss: .infinity, gradientNorm: 1)
        }
        var weights = DivergenceMonitor(initialWeightNorm: 10)
        try weights.check(loss: 50, gradientNorm: 1)
        // A learning rate of 1e12 multiplies the weights' norm at the first step.
        #expect(throws: DivergenceMonitor.Divergence(quantity: "weight norm", value: 1e12, level: 10)) {
            try weights.check(weightNorm: 1e12)
        }
        let message = TrainingError.diverged(
            step: 57, quantity: "loss", value: 1.4e13, level: 95.2, factor: 100, levelName: "its recent level",
            lastCheckpoint: "/r/checkpoints/step-00000050"
        ).errorDescription!
        #expect(
            message.contains("step 57") && message.contains("1.4e+13") && message.contains("95.2")
                && message.contains("step-00000050") && message.contains("--clip-norm"))
    }
}
