import Foundation
import NeuralCore
import Support

extension DataParallel {
    /// What this process computed of a global batch: its slices' metrics and the batch's
    /// free-bits KL means.
    struct LocalStep {
        var parts: [Range<Int>]
        var metrics: [(slice: Int, metrics: StepMetrics)]
        var klMeans: [Double]?
    }

    /// One step of the global `batch` across `group` (see ``DataParallel``): this process's
    /// slices, then the free-bits KL sums, the metrics and the gradients summed over the group,
    /// whole on every process.
    func distributedStep(
        _ batch: TokenBatch, objective: ObjectiveSettings, group: any ProcessGroup, exchange: GradientExchange,
        rng: inout RandomGenerator
    ) -> StepMetrics {
        let local = runSlices(batch, objective: objective, group: group, rng: &rng)
        exchange.allreduce()
        let slots = meter!.measure(bytes: local.parts.count * 4 * 8) {
            group.allreduce(Self.metricSlots(local), .sum)
        }
        meter!.countStep()
        return Self.metrics(local, slots: slots, batchSize: batch.batchSize, objective: objective)
    }

    /// One step of the global `batch` for a sharded optimiser step: as `distributedStep`, but
    /// each process keeps the summed gradient of its share only (``GradientExchange``), and the
    /// gradient norm's pieces travel with the metrics.
    func shardedStep(
        _ batch: TokenBatch, objective: ObjectiveSettings, group: any ProcessGroup, exchange: GradientExchange,
        rng: inout RandomGenerator
    ) -> StepMetrics {
        let local = runSlices(batch, objective: objective, group: group, rng: &rng)
        exchange.reduceScatter()
        var slots = Self.metricSlots(local)
        let metricCount = slots.count
        slots += [Double](repeating: 0, count: exchange.normPieceCount)
        slots.withUnsafeMutableBufferPointer { all in
            exchange.fillNormPieces(UnsafeMutableBufferPointer(rebasing: all[metricCount...]))
        }
        // Each slot has one non-zero addend (x + 0 is x), so the sums are exact.
        slots = meter!.measure(bytes: slots.count * 8) { group.allreduce(slots, .sum) }
        meter!.countStep()
        stepNorm = slots.withUnsafeBufferPointer { all in
            exchange.norm(fromPieces: UnsafeBufferPointer(rebasing: all[metricCount...]))
        }
        return Self.metrics(local, slots: slots, batchSize: batch.batchSize, objective: objective)
    }

    /// This process's slices of the global batch: forward and backward (free bits' KL sums
    /// exchanged between the phases), their gradients merged into the primary model's.
    private func runSlices(
        _ batch: TokenBatch, objective: ObjectiveSettings, group: any ProcessGroup, rng: inout RandomGenerator
    ) -> LocalStep {
        let B = batch.batchSize
        let parts = ModelReplicas<Model>.slices(B, count: group.size * shards)
        let n = parts.count
        let mine = Array(min(n, group.rank * shards)..<min(n, (group.rank + 1) * shards))
        var local: [(slice: Int, metrics: StepMetrics)] = []
        var klMeans: [Double]? = nil
        if n == 1 {
            // A one-sequence batch runs whole, as it would on one process, on rank 0.
            if !mine.isEmpty { local = [(0, model.trainStep(batch, objective: objective, rng: &rng))] }
        } else {
            let generators = parts.map { _ in rng.split() }
            let batches = mine.map { batch.rows(parts[$0]) }
            let models = replicas.models
            let begun = Parallelism.map(mine.count) { j -> (Model.StepStart, RandomGenerator) in
                var r = generators[mine[j]]
                let start = models[j].beginStep(batches[j], rng: &r)
                return (start, r)
            }
            klMeans = exchangeKLSums(
                mine.indices.map { models[$0].posterior(of: begun[$0].0) }, slices: mine, count: n,
                batchSize: B, objective: objective, group: group)
            let means = klMeans
            let metrics = Parallelism.map(mine.count) { j -> StepMetrics in
                var r = begun[j].1
                return models[j].finishStep(
                    batches[j], from: begun[j].0, objective: objective, normalizer: B,
                    klDimensionMeans: means, rng: &r)
            }
            local = zip(mine, metrics).map { ($0, $1) }
        }
        replicas.mergeGradients()
        return LocalStep(parts: parts, metrics: local, klMeans: klMeans)
    }

    /// Every slice's figures, exactly: one slot per slice, zeros from the processes that did not
    /// run it (so the sum over the group is each slice's figure).
    private static func metricSlots(_ local: LocalStep) -> [Double] {
        var slots = [Double](repeating: 0, count: local.parts.count * 4)
        for (i, m) in local.metrics {
            slots[i * 4] = m.loss; slots[i * 4 + 1] = m.reconstruction; slots[i * 4 + 2] = m.kl;
            slots[i * 4 + 3] = Double(m.tokens)
        }
        return slots
    }

    /// The batch's metrics from every slice's (summed `metricSlots`), combined in slice order.
    private static func metrics(
        _ local: LocalStep, slots: [Double], batchSize B: Int, objective: ObjectiveSettings
    ) -> StepMetrics {
        let n = local.parts.count
        let all = (0..<n).map { i in
            StepMetrics(
                loss: slots[i * 4], reconstruction: slots[i * 4 + 1], kl: slots[i * 4 + 2],
                tokens: Int(slots[i * 4 + 3]),
                sentences: n == 1 ? B : local.parts[i].count)
        }
        return n == 1
            ? all[0]
            : KLTerm.mergedMetrics(all, batchDimensionMeans: local.klMeans, objective: objective, batchSize: B)
    }

    /// The whole batch's per-dimension KL means for free bits (nil without free bits or a
    /// sequence latent), from every slice's sums: `KLTerm.batchDimensionMeans` over all the
    /// group's slices in slice order.
    private func exchangeKLSums(
        _ posteriors: [(mean: Tensor, logVariance: Tensor)?], slices mine: [Int], count n: Int,
        batchSize: Int, objective: ObjectiveSettings, group: any ProcessGroup
    ) -> [Double]? {
        // Decided alike on every process (the same model type and settings), so all or none call.
        let latent = (model as? any LatentTextModel)?.latentWidth ?? 0
        guard objective.freeBits > 0, latent > 0 else { return nil }
        let width = latent + 1
        var slots = [Double](repeating: 0, count: n * width)
        for (j, i) in mine.enumerated() {
            guard let posterior = posteriors[j] else { continue }
            slots[i * width] = 1
            let sums = KLTerm.sums(mean: posterior.mean, logVariance: posterior.logVariance).perDimension
            for d in 0..<latent { slots[i * width + 1 + d] = sums[d] }
        }
        slots = meter!.measure(bytes: slots.count * 8) { group.allreduce(slots, .sum) }
        guard (0..<n).allSatisfy({ slots[$0 * width] == 1 }) else { return nil }
        var sums = [Double](repeating: 0, count: latent)
        for i in 0..<n {
            for d in 0..<latent { sums[d] += slots[i * width + 1 + d] }
        }
        return sums.map { $0 / Double(batchSize) }
    }

    public func weightsAgree() -> Bool {
        guard let group else { return true }
        return group.agree(on: Self.fingerprint(model.namedParameters))
    }

    /// FNV-1a over the bits of every parameter's value, in order.
    static func fingerprint(_ parameters: [NamedParameter]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for p in parameters {
            let value = p.parameter.value
            let words = UnsafeRawPointer(value.data).bindMemory(to: UInt32.self, capacity: value.count)
            for i in 0..<value.count { hash = (hash ^ UInt64(words[i])) &* 0x100_0000_01B3 }
        }
        return hash
    }
}
