import NeuralCore
import Support

extension VRNN: TextModel {
    public func beginStep(_ batch: TokenBatch, rng: inout RandomGenerator) {}

    /// The VRNN's KL is per step against its learned prior: no batch-level term, so free bits
    /// (a per-dimension floor on a sentence posterior) do not apply; pipelines refuse them.
    public func finishStep(
        _ batch: TokenBatch, from start: Void, objective: ObjectiveSettings, normalizer: Int,
        klDimensionMeans: [Double]?, rng: inout RandomGenerator
    ) -> StepMetrics {
        run(batch, beta: objective.beta, gradients: true, normalizer: normalizer, rng: &rng)
    }

    public func generate(count: Int, maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        guard count > 0, maxLength > 0 else { return [[Int32]](repeating: [], count: max(0, count)) }
        return sample(count: count, length: maxLength, strategy: strategy, rng: &rng)
    }
}

extension VRNN: PrefixGenerating {
    public func generate(
        count: Int, prefix: [Int32], maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator
    ) -> [[Int32]] {
        guard count > 0, maxLength > 0 else { return [[Int32]](repeating: [], count: max(0, count)) }
        return sample(count: count, length: maxLength, strategy: strategy, prefix: prefix, rng: &rng)
    }
}
