import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct GaussianTests {
    @Test func reparameterizationValuesAndGradients() {
        var rng = RandomGenerator(seed: 1)
        let mu = Tensor.normal([3, 4], rng: &rng), lv = Tensor.normal([3, 4], rng: &rng)
        var r1 = RandomGenerator(seed: 9)
        let (z, eps) = Gaussian.reparameterize(mean: mu, logVariance: lv, rng: &r1)
        for i in 0..<z.count { #expect(abs(z.data[i] - (mu.data[i] + exp(0.5 * lv.data[i]) * eps.data[i])) < 1e-6) }
        let R = projection([3, 4], seed: 2)
        let (dmu, dlv) = Gaussian.reparameterizeBackward(gradZ: R, epsilon: eps, logVariance: lv)
        func loss() -> Double {
            var r = RandomGenerator(seed: 9);
            return Gaussian.reparameterize(mean: mu, logVariance: lv, rng: &r).z.dot(R)
        }
        expectGradient("mu", of: mu, analytic: dmu, loss: loss)
        expectGradient("logVariance", of: lv, analytic: dlv, loss: loss)
    }

    @Test func klToStandardNormal() {
        var rng = RandomGenerator(seed: 3)
        let mu = Tensor.normal([3, 4], rng: &rng), lv = Tensor.normal([3, 4], rng: &rng)
        let (kl, dmu, dlv) = Gaussian.klToStandardNormal(mean: mu, logVariance: lv, gradientScale: 0.5)
        for r in 0..<3 {
            var s = 0.0
            for j in 0..<4 { let m = Double(mu[r, j]), v = Double(lv[r, j]); s += exp(v) + m * m - 1 - v }
            #expect(abs(Double(kl[r]) - 0.5 * s) < 1e-5)
        }
        func loss() -> Double {
            0.5 * Gaussian.klToStandardNormal(mean: mu, logVariance: lv).perRow.reduce(0.0) { $0 + Double($1) }
        }
        expectGradient("mu", of: mu, analytic: dmu, loss: loss)
        expectGradient("logVariance", of: lv, analytic: dlv, loss: loss)
        // KL of the prior itself is zero.
        #expect(
            Gaussian.klToStandardNormal(mean: Tensor(zeros: [1, 3]), logVariance: Tensor(zeros: [1, 3])).perRow == [0])
    }

    @Test func klBetweenDiagonalGaussians() {
        var rng = RandomGenerator(seed: 4)
        let mq = Tensor.normal([2, 3], rng: &rng), lq = Tensor.normal([2, 3], rng: &rng)
        let mp = Tensor.normal([2, 3], rng: &rng), lp = Tensor.normal([2, 3], rng: &rng)
        let r = Gaussian.kl(meanQ: mq, logVarianceQ: lq, meanP: mp, logVarianceP: lp)
        func loss() -> Double {
            Gaussian.kl(meanQ: mq, logVarianceQ: lq, meanP: mp, logVarianceP: lp).perRow.reduce(0.0) { $0 + Double($1) }
        }
        expectGradient("meanQ", of: mq, analytic: r.gradMeanQ, loss: loss)
        expectGradient("logVarianceQ", of: lq, analytic: r.gradLogVarianceQ, loss: loss)
        expectGradient("meanP", of: mp, analytic: r.gradMeanP, loss: loss)
        expectGradient("logVarianceP", of: lp, analytic: r.gradLogVarianceP, loss: loss)
        // Against N(0, I) it equals klToStandardNormal; KL(q‖q) = 0.
        let std = Gaussian.kl(
            meanQ: mq, logVarianceQ: lq, meanP: Tensor(zeros: [2, 3]), logVarianceP: Tensor(zeros: [2, 3])
        ).perRow
        let ref = Gaussian.klToStandardNormal(mean: mq, logVariance: lq).perRow
        for (a, b) in zip(std, ref) { #expect(abs(a - b) < 1e-5) }
        #expect(
            Gaussian.kl(meanQ: mq, logVarianceQ: lq, meanP: mq, logVarianceP: lq).perRow.allSatisfy { abs($0) < 1e-6 })
    }

    @Test func gaussianNegativeLogLikelihood() {
        var rng = RandomGenerator(seed: 5)
        let x = Tensor.normal([2, 3], rng: &rng), mu = Tensor.normal([2, 3], rng: &rng),
            lv = Tensor.normal([2, 3], rng: &rng)
        let r = Gaussian.negativeLogLikelihood(x: x, mean: mu, logVariance: lv)
        var s = 0.0
        for j in 0..<3 {
            let d = Double(x[0, j] - mu[0, j]), v = Double(lv[0, j])
            s += 0.5 * (log(2 * Double.pi) + v + d * d / exp(v))
        }
        #expect(abs(Double(r.perRow[0]) - s) < 1e-5)
        func loss() -> Double {
            Gaussian.negativeLogLikelihood(x: x, mean: mu, logVariance: lv).perRow.reduce(0.0) { $0 + Double($1) }
        }
        expectGradient("mean", of: mu, analytic: r.gradMean, loss: loss)
        expectGradient("logVariance", of: lv, analytic: r.gradLogVariance, loss: loss)
    }

    @Test func bernoulliNegativeLogLikelihood() {
        var rng = RandomGenerator(seed: 6)
        let logits = Tensor.normal([2, 4], std: 3, rng: &rng)
        let x = Tensor(shape: [2, 4], [1, 0, 1, 1, 0, 0, 0.5, 1])
        let r = Bernoulli.negativeLogLikelihood(x: x, logits: logits)
        var s = 0.0
        for j in 0..<4 {
            let p = 1 / (1 + exp(-Double(logits[0, j])))
            s -= Double(x[0, j]) * log(p) + (1 - Double(x[0, j])) * log(1 - p)
        }
        #expect(abs(Double(r.perRow[0]) - s) < 1e-4)
        expectGradient("logits", of: logits, analytic: r.gradLogits) {
            Bernoulli.negativeLogLikelihood(x: x, logits: logits).perRow.reduce(0.0) { $0 + Double($1) }
        }
        let extreme = Bernoulli.negativeLogLikelihood(
            x: Tensor(shape: [1, 2], [0, 1]), logits: Tensor(shape: [1, 2], [200, -200]))
        #expect(abs(extreme.perRow[0] - 400) < 1e-3)
    }

    @Test func logVarianceIsClamped() {
        let mu = Tensor(zeros: [1, 2]), lv = Tensor(shape: [1, 2], [-50, 80])
        let (kl, _, dlv) = Gaussian.klToStandardNormal(mean: mu, logVariance: lv)
        #expect(kl[0].isFinite)
        #expect(dlv.scalars == [0, 0])
        var rng = RandomGenerator(seed: 1)
        let (z, _) = Gaussian.reparameterize(mean: mu, logVariance: lv, rng: &rng)
        #expect(z.isFinite)
    }
}
