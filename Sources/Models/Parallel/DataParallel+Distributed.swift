import Foundation
import NeuralCore
import Support

extension DataParallel {
    /// One step of the global `batch` across `group` (see ``DataParallel``): this process's
    /// slices, then the free-bits KL sums, the metrics and the gradients summed over the group.
    func distributedStep(
        _ batch: TokenBatch, objective: ObjectiveSettings, group: any ProcessGroup,
        rng: inout RandomGenerator
    ) -> StepMetrics {
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
        exchangeGradients(group)
        // Every slice's figures, exactly: one slot per slice, zeros from the processes that did not run it.
        var slots = [Double](repeating: 0, count: n * 4)
        for (i, m) in local {
            slots[i * 4] = m.loss; slots[i * 4 + 1] = m.reconstruction; slots[i * 4 + 2] = m.kl;
            slots[i * 4 + 3] = Double(m.tokens)
        }
        slots = timed(bytes: slots.count * 8) { group.allreduce(slots, .sum) }
        communication.steps += 1
        let all = (0..<n).map { i in
            StepMetrics(
                loss: slots[i * 4], reconstruction: slots[i * 4 + 1], kl: slots[i * 4 + 2],
                tokens: Int(slots[i * 4 + 3]),
                sentences: n == 1 ? B : parts[i].count)
        }
        return n == 1
            ? all[0] : KLTerm.mergedMetrics(all, batchDimensionMeans: klMeans, objective: objective, batchSize: B)
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
        slots = timed(bytes: slots.count * 8) { group.allreduce(slots, .sum) }
        guard (0..<n).allSatisfy({ slots[$0 * width] == 1 }) else { return nil }
        var sums = [Double](repeating: 0, count: latent)
        for i in 0..<n {
            for d in 0..<latent { sums[d] += slots[i * width + 1 + d] }
        }
        return sums.map { $0 / Double(batchSize) }
    }

    /// Sums the primary model's trainable gradients over the group in one reduction.
    private func exchangeGradients(_ group: any ProcessGroup) {
        if exchange == nil { exchange = GradientExchange(model.namedParameters) }
        guard let exchange else { return }
        exchange.pack()
        timed(bytes: exchange.buffer.count * 4) { group.allreduce(exchange.buffer, .sum) }
        exchange.unpack()
    }

    @discardableResult
    private func timed<T>(bytes: Int, _ body: () -> T) -> T {
        let start = ContinuousClock.now
        let waited = group?.waitingSeconds ?? 0
        let result = body()
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        communication.seconds += Double(seconds) + Double(attoseconds) / 1e18
        communication.waitingSeconds += (group?.waitingSeconds ?? 0) - waited
        communication.bytes += bytes
        return result
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

/// Every trainable gradient of a model in one contiguous `Float` buffer, for one reduction per
/// step instead of one per tensor. A sparse parameter (an embedding) travels whole — its
/// untouched rows are zero on every process — followed by one `Float` per row, 1 where this
/// process touched the row: after the sum, a row is touched wherever any process touched it, so
/// lazy optimisers update the same rows everywhere.
final class GradientExchange {
    private let parameters: [Parameter]
    /// Where each parameter's gradient starts, and its mask (sparse parameters).
    private let offsets: [(gradient: Int, mask: Int?)]
    let buffer: UnsafeMutableBufferPointer<Float>

    init(_ named: [NamedParameter]) {
        parameters = named.map(\.parameter).filter(\.isTrainable)
        var offsets: [(Int, Int?)] = []
        var total = 0
        for p in parameters {
            let gradient = total
            total += p.gradient.count
            if p.isSparse {
                offsets.append((gradient, total))
                total += p.value.shape.first ?? 0
            } else {
                offsets.append((gradient, nil))
            }
        }
        self.offsets = offsets
        buffer = .allocate(capacity: total)
        buffer.initialize(repeating: 0)
    }

    deinit { buffer.deallocate() }

    func pack() {
        let base = buffer.baseAddress!
        for (p, offset) in zip(parameters, offsets) {
            (base + offset.gradient).update(from: p.gradient.data, count: p.gradient.count)
            if let mask = offset.mask {
                (base + mask).update(repeating: 0, count: p.value.shape.first ?? 0)
                for r in p.touchedRows { base[mask + r] = 1 }
            }
        }
    }

    func unpack() {
        let base = buffer.baseAddress!
        for (p, offset) in zip(parameters, offsets) {
            p.gradient.data.update(from: base + offset.gradient, count: p.gradient.count)
            if let mask = offset.mask {
                for r in 0..<(p.value.shape.first ?? 0) where base[mask + r] > 0 { p.markTouched(r) }
            }
        }
    }
}
