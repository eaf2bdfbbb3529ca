import Foundation
import NeuralCore
import Support
import Testing

@testable import Models

/// ``DataParallel`` across a ``ProcessGroup`` without MPI: ranks are threads, each with its own
/// model built from the same seed, and the group's reduction sums in rank order. The global
/// batch is cut as one process with ranks × shards slices would cut it, so per-slice figures
/// (metrics, free bits' KL sums) are bit-identical to that process's, and so is the gradient when
/// it is a sum of two.
@Suite struct DistributedDataParallelTests {
    /// Ranks as threads meeting at every reduction.
    final class ThreadGroup: ProcessGroup, @unchecked Sendable {
        final class Rendezvous: @unchecked Sendable {
            let size: Int
            private let condition = NSCondition()
            private var contributions: [Any?]
            private var result: Any = 0
            private var arrived = 0, generation = 0
            private(set) var bytes = 0

            init(size: Int) {
                self.size = size
                contributions = Array(repeating: nil, count: size)
            }

            func reduce<T: FloatingPoint>(rank: Int, _ values: [T], _ operation: ReductionOperation) -> [T] {
                let all = gather(rank: rank, values)
                var total = all[0]
                for other in all.dropFirst() {
                    precondition(other.count == total.count, "ranks reduce different counts")
                    for i in total.indices {
                        switch operation {
                        case .sum: total[i] += other[i]
                        case .max: total[i] = Swift.max(total[i], other[i])
                        case .min: total[i] = Swift.min(total[i], other[i])
                        }
                    }
                }
                return total
            }

            /// Every rank's `values`, in rank order, once all have arrived.
            func gather<T>(rank: Int, _ values: [T]) -> [[T]] {
                condition.lock()
                defer { condition.unlock() }
                contributions[rank] = values
                arrived += 1
                let round = generation
                if arrived == size {
                    result = contributions.map { $0 as! [T] }
                    arrived = 0
                    generation += 1
                    condition.broadcast()
                } else {
                    while generation == round { condition.wait() }
                }
                return result as! [[T]]
            }
        }

        let rank: Int
        let rendezvous: Rendezvous
        var size: Int { rendezvous.size }

        init(rank: Int, rendezvous: Rendezvous) {
            self.rank = rank
            self.rendezvous = rendezvous
        }

        func allreduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReductionOperation) {
            let reduced = rendezvous.reduce(rank: rank, Array(buffer), operation)
            _ = buffer.update(fromContentsOf: reduced)
        }

        func allreduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReductionOperation) {
            let reduced = rendezvous.reduce(rank: rank, Array(buffer), operation)
            _ = buffer.update(fromContentsOf: reduced)
        }

        /// The whole buffer reduced in rank order, as `allreduce`; this rank keeps its part (the
        /// others are left as they were).
        func reduceScatter(
            _ buffer: UnsafeMutableBufferPointer<Float>, counts: [Int], _ operation: ReductionOperation
        ) {
            precondition(counts.count == size && counts.reduce(0, +) <= buffer.count)
            let reduced = rendezvous.reduce(rank: rank, Array(buffer.prefix(counts.reduce(0, +))), operation)
            let start = counts[..<rank].reduce(0, +)
            for i in start..<(start + counts[rank]) { buffer[i] = reduced[i] }
        }

        func allgather(_ buffer: UnsafeMutableBufferPointer<Float>, counts: [Int]) { gather(buffer, counts: counts) }

        func allgather(_ buffer: UnsafeMutableBufferPointer<Int32>, counts: [Int]) { gather(buffer, counts: counts) }

        private func gather<T>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) {
            precondition(counts.count == size && counts.reduce(0, +) <= buffer.count)
            let start = counts[..<rank].reduce(0, +)
            let parts = rendezvous.gather(rank: rank, Array(buffer[start..<(start + counts[rank])]))
            var at = 0
            for (r, part) in parts.enumerated() {
                precondition(part.count == counts[r], "ranks gather different counts")
                for value in part {
                    buffer[at] = value
                    at += 1
                }
            }
        }
    }

    static func sentenceVAE() -> SentenceVAE {
        var rng = RandomGenerator(seed: 5)
        return SentenceVAE(
            configuration: SentenceVAEConfiguration(
                vocabularySize: 30, embeddingDimension: 8, encoderCell: .gru,
                encoderHidden: 10, latent: 3, decoderCell: .lstm, decoderHidden: 10,
                wordDropout: 0.3), rng: &rng)
    }

    /// One step of `batch` on `ranks` threads × `shards`: each rank's metrics, gradients
    /// (flattened) and touched embedding rows.
    static func distributedStep(ranks: Int, shards: Int, batch: TokenBatch, objective: ObjectiveSettings)
        -> [(metrics: StepMetrics, gradients: [Float], touched: [Int])]
    {
        let rendezvous = ThreadGroup.Rendezvous(size: ranks)
        nonisolated(unsafe) var results = [(metrics: StepMetrics, gradients: [Float], touched: [Int])?](
            repeating: nil, count: ranks)
        let lock = NSLock()
        let threads = (0..<ranks).map { rank in
            Thread {
                let model = sentenceVAE()
                let parallel = DataParallel(
                    model: model, shards: shards, group: ThreadGroup(rank: rank, rendezvous: rendezvous))
                model.zeroGradients()
                var rng = RandomGenerator(seed: 11)
                let metrics = parallel.trainStep(batch, objective: objective, rng: &rng)
                let outcome = (metrics, flatGradients(model), touchedRows(model))
                lock.withLock { results[rank] = outcome }
            }
        }
        threads.forEach {
            $0.stackSize = 8 << 20; $0.start()
        }
        while lock.withLock({ results.contains { $0 == nil } }) { usleep(1000) }
        return results.map { $0! }
    }

    static func singleStep(shards: Int, batch: TokenBatch, objective: ObjectiveSettings) -> (
        metrics: StepMetrics, gradients: [Float], touched: [Int]
    ) {
        let model = sentenceVAE()
        let parallel = DataParallel(model: model, shards: shards)
        model.zeroGradients()
        var rng = RandomGenerator(seed: 11)
        let metrics = parallel.trainStep(batch, objective: objective, rng: &rng)
        return (metrics, flatGradients(model), touchedRows(model))
    }

    static func flatGradients(_ model: some Module) -> [Float] {
        model.namedParameters.flatMap {
            Array(UnsafeBufferPointer(start: $0.parameter.gradient.data, count: $0.parameter.gradient.count))
        }
    }

    static func touchedRows(_ model: some Module) -> [Int] {
        model.namedParameters.filter(\.parameter.isSparse).flatMap { $0.parameter.touchedRows.sorted() }
    }

    /// A sentence VAE whose output layer (16 × 1,000) spans several norm blocks, so that the
    /// optimiser's shares are cut inside it.
    static func largerSentenceVAE() -> SentenceVAE {
        var rng = RandomGenerator(seed: 9)
        return SentenceVAE(
            configuration: SentenceVAEConfiguration(
                vocabularySize: 1000, embeddingDimension: 8, encoderCell: .lstm, encoderHidden: 12,
                bidirectional: true, latent: 3, decoderCell: .gru, decoderHidden: 16, latentAtEveryStep: true,
                wordDropout: 0.2), rng: &rng)
    }

    /// A model for the optimiser-step tests, built alike on every call: the larger sentence VAE
    /// (nil), or `DataParallelTests.models` at `index`; its vocabulary and whether its batches
    /// must be full (the VRNN).
    static func testModel(_ index: Int?) -> (model: any TextModel, vocabulary: Int, fullLengths: Bool) {
        guard let index else { return (largerSentenceVAE(), 1000, false) }
        var rng = RandomGenerator(seed: 21)
        let (_, model, vocabulary, full) = DataParallelTests.models(&rng)[index]
        return (model, vocabulary, full)
    }

    /// What a run of optimiser steps leaves: the weights, the optimiser's state (gathered) and
    /// step count, every step's metrics and gradient norm (before clipping).
    struct StepsOutcome {
        var weights: [Float]
        var state: [Float]
        var optimizerStep: Int
        var metrics: [StepMetrics]
        var norms: [Float]
    }

    /// The training loop's optimiser step (`gradientStep`, `clipGradients`, `update`), `steps`
    /// times with Adam (AdamW when `weightDecay` > 0) or SGD with momentum, on `trainer`.
    static func optimizerSteps(
        _ trainer: any BatchTrainer, sgd: Bool, weightDecay: Float, maxNorm: Float, steps: Int, vocabulary: Int,
        fullLengths: Bool = false
    ) -> StepsOutcome {
        let parameters = trainer.textModel.namedParameters
        var adam = Adam(learningRate: 0.01, weightDecay: weightDecay)
        var momentum = SGD(learningRate: 0.1, momentum: 0.9)
        var outcome = StepsOutcome(weights: [], state: [], optimizerStep: 0, metrics: [], norms: [])
        for step in 0..<steps {
            let lengths = fullLengths ? Array(repeating: 7, count: 9) : nil
            let batch = randomBatch(B: 9, T: 7, V: vocabulary, seed: 20 + UInt64(step), lengths: lengths)
            trainer.textModel.zeroGradients()
            var rng = RandomGenerator(seed: 100 + UInt64(step))
            outcome.metrics.append(
                trainer.gradientStep(batch, objective: ObjectiveSettings(beta: 0.7, freeBits: 0.05), rng: &rng))
            outcome.norms.append(trainer.clipGradients(maxNorm: maxNorm))
            // Some parameters alone at one step, as aggressive inference-network training does.
            let subset = step == 1 ? Array(parameters.prefix(parameters.count / 2)) : parameters
            trainer.update { regions in
                if sgd { momentum.update(subset, regions: regions) } else { adam.update(subset, regions: regions) }
            }
        }
        trainer.gatherOptimizerState { sgd ? momentum.elementState(of: $0) : adam.elementState(of: $0) }
        outcome.weights = parameters.flatMap(\.parameter.value.scalars)
        outcome.state = parameters.flatMap { p in
            (sgd ? momentum.elementState(of: p.name) : adam.elementState(of: p.name)).flatMap(\.scalars)
        }
        outcome.optimizerStep = sgd ? momentum.step : adam.step
        return outcome
    }

    /// `optimizerSteps` on `ranks` threads × `shards`, each rank with its own model.
    static func distributedOptimizerSteps(
        ranks: Int, shards: Int, sgd: Bool, weightDecay: Float, maxNorm: Float, steps: Int, model index: Int? = nil
    ) -> [StepsOutcome] {
        let rendezvous = ThreadGroup.Rendezvous(size: ranks)
        nonisolated(unsafe) var results = [StepsOutcome?](repeating: nil, count: ranks)
        let lock = NSLock()
        let threads = (0..<ranks).map { rank in
            Thread {
                let (model, vocabulary, full) = testModel(index)
                let parallel = makeBatchTrainer(
                    model, shards: shards, group: ThreadGroup(rank: rank, rendezvous: rendezvous))
                let outcome = optimizerSteps(
                    parallel, sgd: sgd, weightDecay: weightDecay, maxNorm: maxNorm, steps: steps,
                    vocabulary: vocabulary, fullLengths: full)
                lock.withLock { results[rank] = outcome }
            }
        }
        threads.forEach {
            $0.stackSize = 8 << 20; $0.start()
        }
        while lock.withLock({ results.contains { $0 == nil } }) { usleep(1000) }
        return results.map { $0! }
    }

    /// The sharded optimiser step (ZeRO stage 1: reduce-scatter, each rank's share updated,
    /// allgather) of two ranks × one slice gives one process × two slices' weights, optimiser
    /// state, norms and metrics bit for bit — with clipping active (the norm rebuilt from the
    /// ranks' pieces), a share cut inside the output layer, lazily updated embedding rows, a
    /// step updating a subset, AdamW and SGD with momentum.
    @Test(arguments: [(false, Float(0)), (false, Float(0.01)), (true, Float(0))])
    func shardedOptimizerStepsOfTwoRanksAreOneProcessesBitForBit(sgd: Bool, weightDecay: Float) {
        for maxNorm: Float in [0, 0.05, 1e6] {
            let single = Self.optimizerSteps(
                DataParallel(model: Self.largerSentenceVAE(), shards: 2), sgd: sgd, weightDecay: weightDecay,
                maxNorm: maxNorm, steps: 4, vocabulary: 1000)
            let ranks = Self.distributedOptimizerSteps(
                ranks: 2, shards: 1, sgd: sgd, weightDecay: weightDecay, maxNorm: maxNorm, steps: 4)
            if maxNorm == 0.05 { #expect(single.norms.allSatisfy { $0 > maxNorm }, "clipping is exercised") }
            for (rank, outcome) in ranks.enumerated() {
                let context = "rank \(rank), SGD \(sgd), decay \(weightDecay), clip \(maxNorm)"
                #expect(Self.firstDifference(outcome.weights, single.weights) == nil, "weights, \(context)")
                #expect(Self.firstDifference(outcome.state, single.state) == nil, "optimiser state, \(context)")
                #expect(outcome.optimizerStep == single.optimizerStep, "\(context)")
                #expect(outcome.metrics == single.metrics, "\(context)")
                #expect(outcome.norms == single.norms, "\(context)")
            }
        }
    }

    /// Every model family (sentence and character VAE, VRNN, language model) through the sharded
    /// optimiser step: two ranks × one slice give one process × two slices' weights and state.
    @Test func shardedOptimizerStepsAreExactForEveryModel() {
        for index in 0..<4 {
            let (model, vocabulary, full) = Self.testModel(index)
            let single = Self.optimizerSteps(
                makeBatchTrainer(model, shards: 2), sgd: false, weightDecay: 0, maxNorm: 0.5, steps: 3,
                vocabulary: vocabulary, fullLengths: full)
            let ranks = Self.distributedOptimizerSteps(
                ranks: 2, shards: 1, sgd: false, weightDecay: 0, maxNorm: 0.5, steps: 3, model: index)
            for (rank, outcome) in ranks.enumerated() {
                #expect(Self.firstDifference(outcome.weights, single.weights) == nil, "model \(index), rank \(rank)")
                #expect(Self.firstDifference(outcome.state, single.state) == nil, "model \(index), rank \(rank)")
                #expect(outcome.norms == single.norms && outcome.metrics == single.metrics, "model \(index)")
            }
        }
    }

    /// The first index where `a` and `b` differ bit for bit (or where one ends), nil if nowhere.
    static func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
        let common = min(a.count, b.count)
        return (0..<common).first { a[$0].bitPattern != b[$0].bitPattern } ?? (a.count == b.count ? nil : common)
    }

    /// Three ranks × two slices against one process × six: every rank ends with the same
    /// weights and state (each share is updated once and sent to all), within float32 rounding of
    /// the one process (the gradient is summed in another order); the norms agree closely.
    @Test func shardedOptimizerStepsOfThreeRanksAgreeWithOneProcess() {
        let single = Self.optimizerSteps(
            DataParallel(model: Self.largerSentenceVAE(), shards: 6), sgd: false, weightDecay: 0, maxNorm: 0.05,
            steps: 3, vocabulary: 1000)
        let ranks = Self.distributedOptimizerSteps(
            ranks: 3, shards: 2, sgd: false, weightDecay: 0, maxNorm: 0.05, steps: 3)
        for (rank, outcome) in ranks.enumerated() {
            #expect(Self.firstDifference(outcome.weights, ranks[0].weights) == nil, "rank \(rank): rank 0's weights")
            #expect(Self.firstDifference(outcome.state, ranks[0].state) == nil, "rank \(rank): rank 0's state")
            #expect(outcome.norms == ranks[0].norms && outcome.metrics == ranks[0].metrics, "rank \(rank)")
            // The first step starts from the same weights; later ones from weights within rounding.
            #expect(outcome.metrics[0] == single.metrics[0], "rank \(rank)")
            for (a, b) in zip(outcome.metrics, single.metrics) { #expect(abs(a.loss - b.loss) <= 1e-5 * b.loss) }
            for (a, b) in zip(outcome.norms, single.norms) { #expect(abs(a - b) <= 1e-5 * b, "\(a) vs \(b)") }
            let worst = zip(outcome.weights, single.weights).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            #expect(worst <= 1e-4, "rank \(rank): \(worst)")
        }
    }

    /// The optimiser's shares follow parameter boundaries or norm blocks inside a parameter, and
    /// balance the elements.
    @Test func sharesAreCutAtParameterOrBlockBoundaries() {
        let parameters = [(offset: 0, count: 100), (offset: 112, count: 20_000), (offset: 20_112, count: 50)]
        let cuts = GradientExchange.cuts(parameters, end: 20_176, parts: 2)
        #expect(cuts == [0, 112 + 2 * squaredNormBlock, 20_176])
        let three = GradientExchange.cuts(parameters, end: 20_176, parts: 3)
        #expect(three == [0, 112 + 2 * squaredNormBlock, 112 + 3 * squaredNormBlock, 20_176])
        #expect(GradientExchange.cuts([(0, 10), (16, 10)], end: 32, parts: 4) == [0, 0, 16, 16, 32])
        #expect(GradientExchange.cuts(parameters, end: 20_176, parts: 1) == [0, 20_176])
    }

    @Test func twoRanksOfOneSliceAreOneProcessOfTwoSlicesBitForBit() {
        let batch = randomBatch(B: 7, T: 6, V: 30, seed: 3)
        for objective in [ObjectiveSettings(beta: 0.6), ObjectiveSettings(beta: 0.6, freeBits: 0.2)] {
            let single = Self.singleStep(shards: 2, batch: batch, objective: objective)
            let ranks = Self.distributedStep(ranks: 2, shards: 1, batch: batch, objective: objective)
            for (rank, result) in ranks.enumerated() {
                #expect(result.metrics == single.metrics, "rank \(rank), free bits \(objective.freeBits)")
                #expect(result.gradients == single.gradients, "rank \(rank), free bits \(objective.freeBits)")
                #expect(result.touched == single.touched, "rank \(rank)")
            }
        }
    }

    /// Three ranks × two slices against one process × six: the same figures exactly; the
    /// gradient is summed in another order (within float32 rounding), identically on every rank.
    /// A batch of 4 leaves the third rank without a slice; it still takes part.
    @Test(arguments: [8, 4]) func threeRanksOfTwoSlicesAgreeWithOneProcessOfSix(batchSize: Int) {
        let batch = randomBatch(B: batchSize, T: 5, V: 30, seed: 7)
        let objective = ObjectiveSettings(beta: 0.8, freeBits: 0.1)
        let single = Self.singleStep(shards: 6, batch: batch, objective: objective)
        let ranks = Self.distributedStep(ranks: 3, shards: 2, batch: batch, objective: objective)
        let scale = single.gradients.reduce(Float(0)) { max($0, abs($1)) }
        for (rank, result) in ranks.enumerated() {
            #expect(result.metrics == single.metrics, "rank \(rank)")
            #expect(result.gradients == ranks[0].gradients, "rank \(rank) holds the group's sum")
            #expect(result.touched == single.touched, "rank \(rank)")
            let worst = zip(result.gradients, single.gradients).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            #expect(worst <= 1e-5 * max(1, scale), "rank \(rank): \(worst)")
        }
    }
}
