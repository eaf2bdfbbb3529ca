import Support
import Testing

@testable import NeuralCore

@Suite struct DropoutTests {
    @Test func invertedScalingAndDeterminism() {
        let d = Dropout(rate: 0.25)
        let x = Tensor(shape: [10_000], repeating: 1)
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        let (y1, m1) = d.forward(x, training: true, rng: &r1)
        let (y2, _) = d.forward(x, training: true, rng: &r2)
        #expect(y1.scalars == y2.scalars)
        #expect(y1.scalars.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3.0) < 1e-6 })
        let kept = Double(y1.scalars.filter { $0 != 0 }.count) / 10_000
        #expect(abs(kept - 0.75) < 0.02)
        #expect(abs(y1.sum() / 10_000 - 1) < 0.03)
        let dy = Tensor(shape: [10_000], repeating: 2)
        #expect(d.backward(mask: m1, gradOutput: dy).scalars == y1.scalars.map { $0 * 2 })
    }

    @Test func evaluationIsIdentity() {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.normal([3, 3], rng: &rng)
        let (y, mask) = Dropout(rate: 0.5).forward(x, training: false, rng: &rng)
        #expect(mask == nil && y.scalars == x.scalars)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let d = Dropout(rate: 0.3)
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.normal([4, 6], rng: &rng)
        let R = projection([4, 6], seed: 3)
        var r1 = RandomGenerator(seed: 11)
        let (_, mask) = d.forward(x, training: true, rng: &r1)
        let dx = d.backward(mask: mask, gradOutput: R)
        expectGradient("x", of: x, analytic: dx) {
            var r = RandomGenerator(seed: 11)  // same mask on every evaluation
            return d.forward(x, training: true, rng: &r).output.dot(R)
        }
    }
}
