import Support

/// A model that can estimate log p(x) by importance sampling from its posterior (Burda et al.
/// 2016): `eval`'s IW-NLL.
public protocol ImportanceWeightedModel: TextModel {
    /// −log p(x) per sequence estimated with `samples` draws from q(z|x).
    func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double]
}
