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
                condition.lock()
                defer { condition.unlock() }
                contributions[rank] = values
                arrived += 1
                let round = generation
                if arrived == size {
                    var total = contributions[0] as! [T]
                    for r in 1..<size {
                        let other = contributions[r] as! [T]
                        precondition(other.count == total.count, "ranks reduce different counts")
                        for i in total.indices {
                            switch operation {
                            case .sum: total[i] += other[i]
                            case .max: total[i] = Swift.max(total[i], other[i])
                            case .min: total[i] = Swift.min(total[i], other[i])
                            }
                        }
                    }
                    result = total
                    arrived = 0
                    generation += 1
                    condition.broadcast()
                } else {
                    while generation == round { condition.wait() }
                }
                return result as! [T]
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
