import Foundation

/// Elementwise nonlinearities. Shapes are preserved (`[...] → [...]`).
///
/// The backward pass needs only the forward output y (every supported function's derivative is
/// a function of y), so callers cache the output, not the input.
public enum Activation: Sendable, Equatable {
    case identity
    case tanh
    case sigmoid
    case relu
    /// ELU with α = 1: x for x > 0, exp(x) − 1 otherwise.
    case elu
    /// softplus(x) = log(1 + eˣ) (e.g. positive standard deviations in a VRNN).
    case softplus

    /// y = f(x) as a new tensor.
    public func forward(_ x: Tensor) -> Tensor {
        let y = x.copy()
        apply(inPlace: y)
        return y
    }

    /// x ← f(x).
    public func apply(inPlace x: Tensor) {
        let p = x.data, n = x.count
        switch self {
        case .identity: break
        case .tanh: for i in 0..<n { p[i] = fastTanh(p[i]) }
        case .sigmoid: for i in 0..<n { p[i] = fastSigmoid(p[i]) }
        case .relu: for i in 0..<n { p[i] = p[i] > 0 ? p[i] : 0 }
        case .elu: for i in 0..<n { let v = p[i]; p[i] = v > 0 ? v : Foundation.expm1(v) }
        case .softplus: for i in 0..<n { let v = p[i]; p[i] = max(v, 0) + Foundation.log1p(Foundation.exp(-abs(v))) }
        }
    }

    /// dx = dy · f′(x), computed from the forward output `y`.
    public func backward(output y: Tensor, gradOutput dy: Tensor) -> Tensor {
        precondition(y.count == dy.count)
        let dx = Tensor(zeros: y.shape)
        let yp = y.data, g = dy.data, o = dx.data, n = y.count
        switch self {
        case .identity: o.update(from: g, count: n)
        case .tanh: for i in 0..<n { o[i] = g[i] * (1 - yp[i] * yp[i]) }
        case .sigmoid: for i in 0..<n { o[i] = g[i] * yp[i] * (1 - yp[i]) }
        case .relu: for i in 0..<n { o[i] = yp[i] > 0 ? g[i] : 0 }
        case .elu: for i in 0..<n { o[i] = yp[i] > 0 ? g[i] : g[i] * (yp[i] + 1) }
        // softplus′(x) = σ(x) = 1 − e^(−y).
        case .softplus: for i in 0..<n { o[i] = g[i] * -Foundation.expm1(-yp[i]) }
        }
        return dx
    }
}

/// σ(x) = 1 / (1 + e^(−x)), written to avoid overflow for large |x|.
@inline(__always) func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}
