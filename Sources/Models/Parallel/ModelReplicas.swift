import Foundation
import NeuralCore
import Support

/// A model and replicas of it that share its weights but own their gradients — the machinery of
/// data-parallel training (``DataParallel``).
///
/// Replica 0 is the primary model itself. Every other replica is built by `make` (its own initial
/// weights are dropped at once) and then reads the primary's weight tensors through
/// ``Parameter/shareValue(of:)``, so an optimiser step on the primary is seen by all of them with
/// no copy. The replicas' threads are the parallelism: each slice runs inside
/// `Parallelism.serially` (GEMMs are single-threaded anyway; see `LinearAlgebra.backend`).
final class ModelReplicas<Model: Module>: @unchecked Sendable {
    let models: [Model]
    /// `namedParameters` of each replica, computed once.
    private let parameterLists: [[NamedParameter]]

    /// `make` builds one replica from a throwaway generator (its initial weights are replaced).
    init(primary: Model, count: Int, make: (inout RandomGenerator) -> Model) {
        precondition(count >= 1, "ModelReplicas: count must be at least 1, got \(count).")
        var all = [primary]
        var unused = RandomGenerator(seed: 0)
        for _ in 1..<count { all.append(make(&unused)) }
        models = all
        parameterLists = all.map(\.namedParameters)
        shareValues()
    }

    /// Points every replica's weights at the primary's value tensors again (after the primary's
    /// values moved, e.g. into the buffer data-parallel training exchanges between processes).
    func shareValues() {
        for list in parameterLists.dropFirst() {
            for (mine, theirs) in zip(list, parameterLists[0]) {
                precondition(mine.name == theirs.name, "ModelReplicas: parameter \(mine.name) vs \(theirs.name).")
                mine.parameter.shareValue(of: theirs.parameter)
            }
        }
    }

    /// The sentence ranges of the slices of a batch of `batchSize` (at most one per replica, none
    /// empty).
    func slices(_ batchSize: Int) -> [Range<Int>] { Self.slices(batchSize, count: models.count) }

    /// The sentence ranges of a batch of `batchSize` cut into `count` slices (fewer when the
    /// batch is smaller, none empty). Data-parallel training across processes cuts the global
    /// batch this way for processes × replicas slices.
    static func slices(_ batchSize: Int, count: Int) -> [Range<Int>] {
        let n = min(count, batchSize)
        return (0..<n).map { i in (i * batchSize / n)..<((i + 1) * batchSize / n) }
    }

    /// Adds every replica's gradients into the primary's and clears the replica's.
    func mergeGradients() {
        let primary = parameterLists[0]
        for list in parameterLists.dropFirst() {
            for (p, q) in zip(primary, list) where p.parameter.isTrainable {
                p.parameter.accumulateGradient(from: q.parameter)
                q.parameter.zeroGradient()
            }
        }
    }

    /// The slices of `batch` with a generator for each, split off `rng` in slice order; nil (and
    /// `rng` untouched) when the batch runs whole, as one slice.
    func split(_ batch: TokenBatch, rng: inout RandomGenerator) -> (
        batches: [TokenBatch], generators: [RandomGenerator]
    )? {
        let parts = slices(batch.batchSize)
        guard parts.count > 1 else { return nil }
        let generators = parts.map { _ in rng.split() }
        return (parts.map { batch.rows($0) }, generators)
    }

    /// `evaluate` on every slice of `batch` concurrently, each with a generator split off `rng`;
    /// the per-sequence results joined in the batch's order.
    func evaluateSlices(
        _ batch: TokenBatch, rng: inout RandomGenerator,
        _ evaluate: (Model, TokenBatch, inout RandomGenerator) -> EvaluationResult
    ) -> EvaluationResult {
        guard let (batches, generators) = split(batch, rng: &rng) else { return evaluate(models[0], batch, &rng) }
        let models = self.models
        let results = Parallelism.map(batches.count) { i -> EvaluationResult in
            var r = generators[i]
            return evaluate(models[i], batches[i], &r)
        }
        return EvaluationResult(
            perSentenceReconstruction: results.flatMap(\.perSentenceReconstruction),
            perSentenceKL: results.flatMap(\.perSentenceKL), tokens: results.reduce(0) { $0 + $1.tokens },
            means: Self.stackRows(results.compactMap(\.means)),
            logVariances: Self.stackRows(results.compactMap(\.logVariances)))
    }

    /// `[b_i, Z]` tensors → `[Σ b_i, Z]`.
    static func stackRows(_ parts: [Tensor]) -> Tensor? {
        guard !parts.isEmpty else { return nil }
        let width = parts[0].lastDimension
        let out = Tensor(uninitialized: [parts.reduce(0) { $0 + $1.rowCount }, width])
        var offset = 0
        for p in parts {
            (out.data + offset).update(from: p.data, count: p.count)
            offset += p.count
        }
        return out
    }
}
