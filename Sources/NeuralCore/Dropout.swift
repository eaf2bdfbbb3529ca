import Foundation
import Support

/// Inverted dropout: during training each element is zeroed with probability `rate` and the
/// survivors are scaled by 1/(1 − rate), so evaluation needs no rescaling.
///
/// - Input/Output: any shape, preserved.
/// The mask is drawn from the caller's seeded generator, so runs are reproducible.
public struct Dropout: Sendable {
    public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "Dropout rate must be in [0, 1), got \(rate).")
        self.rate = rate
    }

    /// Returns the output and the mask (holding 0 or 1/(1 − rate)); `mask` is nil when
    /// not training or rate is 0 (then the output is the input itself).
    public func forward(_ x: Tensor, training: Bool, rng: inout RandomGenerator) -> (output: Tensor, mask: Tensor?) {
        guard training, rate > 0 else { return (x, nil) }
        let mask = Tensor(zeros: x.shape), y = Tensor(zeros: x.shape)
        let m = mask.data, p = x.data, o = y.data
        let keep = 1 / (1 - rate)
        for i in 0..<x.count {
            let v: Float = rng.nextUniform() < rate ? 0 : keep
            m[i] = v
            o[i] = p[i] * v
        }
        return (y, mask)
    }

    /// dx = dy ⊙ mask (dy itself when no mask was drawn).
    public func backward(mask: Tensor?, gradOutput dy: Tensor) -> Tensor {
        guard let mask else { return dy }
        let dx = Tensor(zeros: dy.shape)
        let m = mask.data, g = dy.data, o = dx.data
        for i in 0..<dy.count { o[i] = g[i] * m[i] }
        return dx
    }
}
