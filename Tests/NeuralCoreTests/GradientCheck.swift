import Support
import Testing

@testable import NeuralCore

/// Central-difference gradient checking in Float32.
///
/// Each checked element x is perturbed by ±eps (default 1e-2) and the scalar loss (computed by
/// the layer in Float, reduced in Double) is re-evaluated: numeric = (L(x+eps) − L(x−eps)) / 2eps.
/// With small shapes, the truncation error is O(eps²·f‴) ≈ 1e-4 and rounding error
/// ≈ 1e-7·|terms|/eps ≈ 1e-4, so the check passes when
/// |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|) with atol = 2e-3, rtol = 2e-2.
/// At most `maxChecks` elements (evenly spread) are checked per tensor.
func expectGradient(
    _ label: String, of tensor: Tensor, analytic: Tensor, eps: Float = 1e-2,
    rtol: Float = 2e-2, atol: Float = 2e-3, maxChecks: Int = 40,
    sourceLocation: SourceLocation = #_sourceLocation, loss: () -> Double
) {
    #expect(tensor.count == analytic.count, "\(label): gradient count differs", sourceLocation: sourceLocation)
    let n = tensor.count
    let stride = max(1, n / maxChecks)
    var worst: (Int, Float, Float)? = nil
    var failures = 0
    for i in Swift.stride(from: 0, to: n, by: stride) {
        let saved = tensor.data[i]
        tensor.data[i] = saved + eps
        let plus = loss()
        tensor.data[i] = saved - eps
        let minus = loss()
        tensor.data[i] = saved
        let numeric = Float((plus - minus) / Double(2 * eps))
        let a = analytic.data[i]
        if abs(a - numeric) > atol + rtol * max(abs(a), abs(numeric)) {
            failures += 1
            if worst == nil || abs(a - numeric) > abs(worst!.1 - worst!.2) { worst = (i, a, numeric) }
        }
    }
    let worstText = worst.map { "index \($0.0): analytic \($0.1) vs numeric \($0.2)" } ?? ""
    #expect(
        failures == 0,
        "\(label): \(failures) mismatches; worst at \(worstText)",
        sourceLocation: sourceLocation)
}

/// A fixed random "projection" R so that L = Σ y ⊙ R has dL/dy = R.
func projection(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return .uniform(shape, low: -1, high: 1, rng: &rng)
}
