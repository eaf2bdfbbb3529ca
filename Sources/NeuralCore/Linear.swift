import Foundation
import Support

/// An affine map y = x·Wᵀ + b.
///
/// - Input: `[N, in]` (any leading dimensions, e.g. `[B, T, in]`, are flattened into N).
/// - Output: `[N, out]` with the same leading dimensions as the input.
/// - Parameters: `weight [out, in]`, `bias [out]` (PyTorch `nn.Linear` layout and names).
///
/// Initialisation: uniform(−1/√in, 1/√in) for weight and bias, as PyTorch.
public final class Linear: Module, @unchecked Sendable {
    public let inputSize: Int
    public let outputSize: Int
    public let weight: Parameter
    public let bias: Parameter?
    /// False when the weight belongs to another layer (an output layer tied to the input
    /// embedding): that layer lists it, so checkpoints and optimisers see it once.
    public let ownsWeight: Bool

    public init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true, rng: inout RandomGenerator) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let bound = 1 / Float(max(inputSize, 1)).squareRoot()
        weight = Parameter(.uniform([outputSize, inputSize], low: -bound, high: bound, rng: &rng))
        self.bias = bias ? Parameter(.uniform([outputSize], low: -bound, high: bound, rng: &rng)) : nil
        ownsWeight = true
    }

    /// A layer whose weight `[out, in]` is another layer's parameter (e.g. an embedding table
    /// used as the output projection); its gradient accumulates into that parameter.
    public init(sharing weight: Parameter, bias: Bool = true, rng: inout RandomGenerator) {
        precondition(weight.value.rank == 2, "Linear(sharing:) needs a [out, in] weight, got \(weight.value.shape).")
        outputSize = weight.value.shape[0]
        inputSize = weight.value.shape[1]
        self.weight = weight
        let bound = 1 / Float(max(inputSize, 1)).squareRoot()
        self.bias = bias ? Parameter(.uniform([outputSize], low: -bound, high: bound, rng: &rng)) : nil
        ownsWeight = false
    }

    public var namedParameters: [NamedParameter] {
        (ownsWeight ? [NamedParameter("weight", weight)] : []) + (bias.map { [NamedParameter("bias", $0)] } ?? [])
    }

    /// y = x·Wᵀ + b. The caller keeps `x` for `backward`.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.lastDimension == inputSize, "Linear expects last dimension \(inputSize), got \(x.shape).")
        let shape = Array(x.shape.dropLast()) + [outputSize]
        // With a bias every row is written before the GEMM accumulates; without, GEMM (beta 0) writes all.
        let y = Tensor(uninitialized: shape)
        if bias == nil { y.zero() }
        if let b = bias {
            for r in 0..<y.rowCount { (y.data + r * outputSize).update(from: b.value.data, count: outputSize) }
        }
        Tensor.gemm(x, weight.value, transposeB: true, into: y, beta: bias == nil ? 0 : 1)
        return y
    }

    /// Accumulates dW += dYᵀ·x, db += Σ dY and returns dX = dY·W (skipped if `needInputGradient` is false).
    @discardableResult
    public func backward(input x: Tensor, gradOutput dy: Tensor, needInputGradient: Bool = true) -> Tensor? {
        precondition(dy.rowCount == x.rowCount && dy.lastDimension == outputSize)
        if weight.isTrainable { Tensor.gemm(dy, transposeA: true, x, into: weight.gradient, beta: 1) }
        if let b = bias, b.isTrainable { dy.accumulateColumnSums(into: b.gradient) }
        guard needInputGradient else { return nil }
        let dx = Tensor(zeros: x.shape)
        Tensor.gemm(dy, weight.value, into: dx)
        return dx
    }
}
