import Foundation
import NeuralCore
import Support
import Testing

@testable import Models

/// The VRNN's fused recurrence (VRNN+Recurrence.swift): its eight-lane kernels and their scalar
/// tails against central differences, and its states against NeuralCore's `GRUCell`.
@Suite struct VRNNRecurrenceTests {
    /// H = 10 and Z = 9 run one eight-lane block and a scalar tail in every kernel (3H = 30 too).
    static let odd = VRNNConfiguration(vocabularySize: 7, embeddingDimension: 5, hidden: 10, latent: 9)
    static let batch = TokenBatch(sentences: [[1, 4, 6, 0, 2], [3, 3, 5, 1, 6], [0, 2, 4, 6, 1]], time: 5)

    /// ε = 3e-4 for the ReLU kinks, as VRNNTests.
    @Test func wholeModelGradientWithVectorKernels() {
        var rng = RandomGenerator(seed: 21)
        let model = VRNN(configuration: Self.odd, rng: &rng)
        func loss(gradients: Bool) -> Double {
            var noise = RandomGenerator(seed: 77)
            return model.run(Self.batch, beta: 0.7, gradients: gradients, normalizer: 3, rng: &noise).loss
        }
        let params = model.namedParameters
        params.zeroGradients()
        _ = loss(gradients: true)
        var checked = 0
        for p in params where p.parameter.isTrainable {
            checked += expectGradient(
                "vrnn H 10 Z 9: \(p.name)", of: p.parameter.value, analytic: p.parameter.gradient,
                eps: 3e-4, rtol: 3e-2, atol: 3e-3
            ) { loss(gradients: false) }
        }
        #expect(checked > 150)
    }

    /// The fused GRU update gives the states `GRUCell` gives on the same inputs [φ_x, φ_z].
    @Test func statesMatchTheGRUCell() {
        var rng = RandomGenerator(seed: 5)
        let model = VRNN(configuration: Self.odd, rng: &rng)
        let B = 3, T = 5, H = 10, Z = 9, N = B * T
        let fx = Tensor.uniform([N, H], low: 0, high: 1, rng: &rng)
        let ex = model.encoderX.forward(fx)
        let epsilon = Tensor.normal([N, Z], rng: &rng)
        let pass = model.recurrenceForward(fx: fx, ex: ex, epsilon: epsilon, batch: B, time: T)
        var h = Tensor(zeros: [B, H])
        var worst: Float = 0
        for t in 0..<T {
            let rows = (t * B)..<((t + 1) * B)
            let input = Tensor.concatenateLast([fx.rows(rows), pass.fz.rows(rows)])
            h = model.cell.forward(input, state: RNNState(h: h)).state.h
            worst = max(worst, h.maxAbsDifference(pass.hs.rows(((t + 1) * B)..<((t + 2) * B))))
        }
        #expect(worst < 1e-5, "largest state difference \(worst)")
    }

    /// The fused KL equals NeuralCore's `Gaussian.kl` (values and all four gradients), also
    /// where log-variances fall outside the clamp range (no gradient there).
    @Test func fusedKLMatchesGaussianKL() {
        var rng = RandomGenerator(seed: 8)
        let model = VRNN(configuration: Self.odd, rng: &rng)
        let N = 6, Z = 9
        let q = Tensor.normal([N, 2 * Z], std: 2, rng: &rng), p = Tensor.normal([N, 2 * Z], std: 2, rng: &rng)
        q.data[Z + 1] = 25; p.data[2 * Z + Z + 3] = -24; q.data[3 * 2 * Z + Z + 8] = -30
        let fused = model.klToPrior(posterior: q, prior: p, gradientScale: 0.3)
        let qs = q.splitLast([Z, Z]), ps = p.splitLast([Z, Z])
        let reference = Gaussian.kl(
            meanQ: qs[0], logVarianceQ: qs[1], meanP: ps[0], logVarianceP: ps[1], gradientScale: 0.3)
        let total = reference.perRow.reduce(0.0) { $0 + Double($1) }
        #expect(abs(fused.total - total) <= 1e-5 * abs(total))
        let gq = Tensor.concatenateLast([reference.gradMeanQ, reference.gradLogVarianceQ])
        let gp = Tensor.concatenateLast([reference.gradMeanP, reference.gradLogVarianceP])
        #expect(fused.gradQ.maxAbsDifference(gq) <= 1e-4 * max(1, Float(gq.sumOfSquares().squareRoot())))
        #expect(fused.gradP.maxAbsDifference(gp) <= 1e-4 * max(1, Float(gp.sumOfSquares().squareRoot())))
        #expect(fused.gradQ.data[Z + 1] == 0 && fused.gradP.data[2 * Z + Z + 3] == 0)
    }
}
