import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct ActivationTests {
    @Test(arguments: [Activation.identity, .tanh, .sigmoid, .relu, .elu, .softplus])
    func gradients(activation: Activation) {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.normal([4, 5], std: 2, rng: &rng)
        // Keep ReLU/ELU inputs away from the kink at 0 where the derivative jumps.
        for i in 0..<x.count where abs(x.data[i]) < 0.05 { x.data[i] = 0.3 }
        let R = projection([4, 5], seed: 2)
        let y = activation.forward(x)
        let dx = activation.backward(output: y, gradOutput: R)
        expectGradient("\(activation)", of: x, analytic: dx) { activation.forward(x).dot(R) }
    }

    @Test func values() {
        let x = Tensor(shape: [4], [-2, -0.5, 0.5, 2])
        #expect(Activation.relu.forward(x).scalars == [0, 0, 0.5, 2])
        let e = Activation.elu.forward(x).scalars
        #expect(abs(e[0] - (exp(-2) - 1)) < 1e-6 && e[3] == 2)
        #expect(abs(Activation.sigmoid.forward(Tensor(shape: [1], [0])).scalars[0] - 0.5) < 1e-7)
        // Stable for large magnitudes.
        let s = Activation.sigmoid.forward(Tensor(shape: [2], [-1000, 1000])).scalars
        #expect(s[0] >= 0 && s[0] < 1e-30 && s[1] == 1)
    }
}
