import Foundation
import NeuralCore

/// Data-parallel training of a ``SentenceVAE`` on the cores of one machine.
///
/// Each batch is cut into `shards` slices of consecutive sentences. Slice i runs forward and
/// backward on replica i — a `SentenceVAE` whose parameters share the primary model's weights
/// (``Parameter/shareValue(of:)``) but own their gradients — on its own thread; the replicas'
/// gradients are then added into the primary's, which the caller clips and steps as usual.
///
/// Why: the model's GEMMs are small (a recurrent step is `[32…100, H] · [H, 4H]`), and OpenBLAS's
/// threads spend much of such a call waiting for each other, or spin while the other core has
/// other work. Two independent halves of the batch with single-threaded GEMMs keep both cores
/// busy with no synchronisation inside the step. GEMMs therefore run single-threaded while this
/// type is in use: `init` sets `LinearAlgebra.threadCount` to 1 when `shards > 1`.
///
/// **The objective is the batch's**, not the slices': each slice's losses and gradients are its
/// sums divided by the whole batch's size, so they add up to the batch mean, and free bits use
/// the whole batch's per-dimension KL, gathered between the encoder and decoder phases.
/// **Randomness** (ε, word and embedding dropout) differs from `SentenceVAE.trainStep` on the
/// whole batch — each slice draws from its own generator split off `rng` — but is fixed by `rng`
/// and `shards`: the number of cores changes timing only, never results.
///
/// ```swift
/// let parallel = DataParallelSentenceVAE(model: vae, shards: 2)
/// vae.zeroGradients()
/// let metrics = parallel.trainStep(batch, objective: ObjectiveSettings(beta: 0.5), rng: &rng)
/// clipGradientNorm(vae.namedParameters, maxNorm: 5)
/// adam.update(vae.namedParameters)
/// ```
public final class DataParallelSentenceVAE: @unchecked Sendable {
    /// The primary model (replica 0): the one the optimiser updates and checkpoints save.
    public let model: SentenceVAE
    /// The number of slices per batch (at most the batch size is used).
    public let shards: Int
    private let replicas: [SentenceVAE]
    /// `namedParameters` of each replica, computed once.
    private let parameterLists: [[NamedParameter]]

    public init(model: SentenceVAE, shards: Int) {
        precondition(shards >= 1, "DataParallelSentenceVAE: shards must be at least 1, got \(shards).")
        self.model = model
        self.shards = shards
        // A replica's own initial weights are dropped at once for the shared ones.
        var unused = RandomGenerator(seed: 0)
        var all = [model]
        let primary = model.namedParameters
        for _ in 1..<shards {
            let replica = SentenceVAE(configuration: model.configuration, rng: &unused)
            for (mine, theirs) in zip(replica.namedParameters, primary) {
                precondition(mine.name == theirs.name, "DataParallelSentenceVAE: parameter \(mine.name) vs \(theirs.name).")
                mine.parameter.shareValue(of: theirs.parameter)
            }
            all.append(replica)
        }
        replicas = all
        parameterLists = all.map(\.namedParameters)
        if shards > 1 { LinearAlgebra.setThreadCount(1) }
    }

    /// The sentence ranges of the slices of a batch of `batchSize`.
    func slices(_ batchSize: Int) -> [Range<Int>] {
        let n = min(shards, batchSize)
        return (0..<n).map { i in (i * batchSize / n)..<((i + 1) * batchSize / n) }
    }

    /// Forward + backward on `batch`, split across the replicas; **accumulates** the batch's
    /// gradient into the primary model's parameters (the caller zeroes, clips and steps), exactly
    /// like ``SentenceVAE/trainStep(_:objective:rng:)``.
    public func trainStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator) -> StepMetrics {
        let parts = slices(batch.batchSize)
        if parts.count == 1 { return model.trainStep(batch, objective: objective, rng: &rng) }
        let n = parts.count, B = batch.batchSize
        let generators = parts.map { _ in rng.split() }
        let batches = parts.map { batch.rows($0) }
        let replicas = self.replicas

        // Phase 1: the encoders, to know the whole batch's per-dimension KL before any gradient.
        let encoded = Self.concurrentMap(n) { i -> (SentenceVAE.EncoderPass, RandomGenerator) in
            var r = generators[i]
            let e = replicas[i].encodeForward(batches[i], training: true, rng: &r)
            return (e, r)
        }
        var klMeans: [Double]? = nil
        if objective.freeBits > 0 {
            var sums = [Double](repeating: 0, count: model.configuration.latent)
            for (e, _) in encoded {
                let s = KLTerm.sums(mean: e.mean, logVariance: e.logVariance).perDimension
                for d in sums.indices { sums[d] += s[d] }
            }
            klMeans = sums.map { $0 / Double(B) }
        }
        // Phase 2: decoders, losses and the backward passes.
        let outcomes = Self.concurrentMap(n) { i -> SentenceVAE.Outcome in
            var r = encoded[i].1
            return replicas[i].finish(batches[i], encoded: encoded[i].0, objective: objective, training: true,
                                      gradients: true, normalizer: B, klDimensionMeans: klMeans, rng: &r)
        }
        mergeGradients()

        var reconstruction = 0.0, kl = 0.0, tokens = 0
        for o in outcomes {
            reconstruction += o.metrics.reconstruction
            kl += o.metrics.kl
            tokens += o.metrics.tokens
        }
        // With free bits the optimised KL term is Σ_d max(floor, K_d) of the whole batch.
        let klTerm = klMeans.map { means in means.reduce(0.0) { $0 + max($1, Double(objective.freeBits)) } } ?? kl
        return StepMetrics(loss: reconstruction + Double(objective.beta) * klTerm, reconstruction: reconstruction,
                           kl: kl, tokens: tokens, sentences: B)
    }

    /// ``SentenceVAE/evaluate(_:rng:)`` with the slices evaluated concurrently; the per-sentence
    /// results are in the batch's order.
    public func evaluate(_ batch: TokenBatch, rng: inout RandomGenerator) -> EvaluationResult {
        let parts = slices(batch.batchSize)
        if parts.count == 1 { return model.evaluate(batch, rng: &rng) }
        let generators = parts.map { _ in rng.split() }
        let batches = parts.map { batch.rows($0) }
        let replicas = self.replicas
        let results = Self.concurrentMap(parts.count) { i -> EvaluationResult in
            var r = generators[i]
            return replicas[i].evaluate(batches[i], rng: &r)
        }
        return EvaluationResult(perSentenceReconstruction: results.flatMap(\.perSentenceReconstruction),
                                perSentenceKL: results.flatMap(\.perSentenceKL),
                                tokens: results.reduce(0) { $0 + $1.tokens },
                                means: Self.stackRows(results.map(\.means)),
                                logVariances: Self.stackRows(results.map(\.logVariances)))
    }

    /// Adds every replica's gradients into the primary's and clears the replica's.
    private func mergeGradients() {
        let primary = parameterLists[0]
        for list in parameterLists.dropFirst() {
            for (p, q) in zip(primary, list) where p.parameter.isTrainable {
                p.parameter.accumulateGradient(from: q.parameter)
                q.parameter.zeroGradient()
            }
        }
    }

    /// `[b_i, Z]` tensors → `[Σ b_i, Z]`.
    static func stackRows(_ parts: [Tensor]) -> Tensor {
        let width = parts[0].lastDimension
        let out = Tensor(uninitialized: [parts.reduce(0) { $0 + $1.rowCount }, width])
        var offset = 0
        for p in parts {
            (out.data + offset).update(from: p.data, count: p.count)
            offset += p.count
        }
        return out
    }

    /// `body(i)` for every i in 0..<n on concurrent threads; the results in order of i.
    static func concurrentMap<T>(_ n: Int, _ body: (Int) -> T) -> [T] {
        let results = UnsafeMutablePointer<T>.allocate(capacity: n)
        defer { results.deallocate() }
        // Each iteration initialises its own element; the box only tells the compiler so.
        withoutActuallyEscaping({ (i: Int) in (results + i).initialize(to: body(i)) }) { escapable in
            let box = ConcurrentWork(run: escapable)
            DispatchQueue.concurrentPerform(iterations: n) { box.run($0) }
        }
        let array = Array(UnsafeBufferPointer(start: results, count: n))
        results.deinitialize(count: n)
        return array
    }
}

/// A closure run by several threads at once on disjoint data (see `concurrentMap`).
private struct ConcurrentWork: @unchecked Sendable { let run: (Int) -> Void }
