import Foundation
import Support

/// A lookup table mapping token ids to vectors.
///
/// - Input: ids `[N]` (any shape flattened; pass `shape` to get e.g. `[B, T, dim]`).
/// - Output: `[N, dim]` (or `shape + [dim]`).
/// - Parameter: `weight [vocabulary, dim]` (PyTorch `nn.Embedding`). Gradients are sparse: only
///   the rows looked up in the batch are written, zeroed and updated by the optimisers — unless
///   the table also serves as an output layer (`sparseGradient: false`), whose gradient reaches
///   every row.
///
/// Frozen embeddings (`trainable: false`, e.g. pretrained vectors) accumulate no gradient.
/// With a `paddingIndex` (PyTorch `padding_idx`), that row is never updated by `backward`.
public final class Embedding: Module, @unchecked Sendable {
    public let vocabularySize: Int
    public let dimension: Int
    public let weight: Parameter
    /// The id whose row receives no gradient (e.g. `<pad>`), if any.
    public let paddingIndex: Int?

    /// Random initialisation, normal(0, 1) as PyTorch; the padding row, if any, starts at zero.
    public init(
        vocabularySize: Int, dimension: Int, trainable: Bool = true, paddingIndex: Int? = nil,
        rng: inout RandomGenerator
    ) {
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        self.paddingIndex = paddingIndex
        let w = Tensor.normal([vocabularySize, dimension], rng: &rng)
        if let p = paddingIndex {
            precondition(p >= 0 && p < vocabularySize, "paddingIndex \(p) outside the vocabulary.")
            (w.data + p * dimension).update(repeating: 0, count: dimension)
        }
        weight = Parameter(w, trainable: trainable, sparse: true)
    }

    /// Initialises from a `[vocabulary, dim]` matrix (copied as is).
    public init(weights: Tensor, trainable: Bool = true, paddingIndex: Int? = nil, sparseGradient: Bool = true) {
        precondition(weights.rank == 2, "Embedding weights must be [vocabulary, dim], got \(weights.shape).")
        vocabularySize = weights.shape[0]
        dimension = weights.shape[1]
        self.paddingIndex = paddingIndex
        weight = Parameter(weights.copy(), trainable: trainable, sparse: sparseGradient)
    }

    public var namedParameters: [NamedParameter] { [NamedParameter("weight", weight)] }

    /// Gathers rows. `shape` defaults to `[ids.count]`; the result has shape `shape + [dim]`.
    public func forward(_ ids: [Int], shape: [Int]? = nil) -> Tensor {
        let s = shape ?? [ids.count]
        precondition(s.reduce(1, *) == ids.count, "Embedding: shape \(s) does not hold \(ids.count) ids.")
        let out = Tensor(zeros: s + [dimension])
        let w = weight.value.data, o = out.data, d = dimension
        for (n, id) in ids.enumerated() {
            precondition(id >= 0 && id < vocabularySize, "Embedding: id \(id) outside vocabulary of \(vocabularySize).")
            (o + n * d).update(from: w + id * d, count: d)
        }
        return out
    }

    /// Scatters `gradOutput` (`[N, dim]`) into the gradient rows of `ids` (no-op when frozen;
    /// the padding row is skipped).
    public func backward(ids: [Int], gradOutput: Tensor) {
        guard weight.isTrainable else { return }
        precondition(gradOutput.count == ids.count * dimension)
        let g = weight.gradient.data, dy = gradOutput.data, d = dimension
        let sparse = weight.isSparse
        for (n, id) in ids.enumerated() where id != paddingIndex {
            if sparse { weight.markTouched(id) }
            let row = g + id * d, src = dy + n * d
            for j in 0..<d { row[j] += src[j] }
        }
    }
}
