import Support
import Testing

@testable import NeuralCore

@Suite struct LinearTests {
    @Test func forwardComputesAffineMap() {
        var rng = RandomGenerator(seed: 1)
        let lin = Linear(2, 3, rng: &rng)
        lin.weight.value.assign(Tensor(shape: [3, 2], [1, 2, 3, 4, 5, 6]))
        lin.bias!.value.assign(Tensor(shape: [3], [0.5, 0, -1]))
        let y = lin.forward(Tensor(shape: [1, 2], [1, -1]))
        #expect(y.scalars == [-0.5, -1, -2])
    }

    @Test(arguments: [true, false])
    func gradients(bias: Bool) {
        var rng = RandomGenerator(seed: 2)
        let lin = Linear(4, 3, bias: bias, rng: &rng)
        let x = Tensor.normal([2, 5, 4], rng: &rng)  // 3-D input: leading dims flattened.
        let R = projection([2, 5, 3], seed: 3)
        let y = lin.forward(x)
        #expect(y.shape == [2, 5, 3])
        lin.zeroGradients()
        let dx = lin.backward(input: x, gradOutput: R)!
        #expect(dx.shape == x.shape)
        let loss = { lin.forward(x).dot(R) }
        expectGradient("dx", of: x, analytic: dx, loss: loss)
        for p in lin.namedParameters {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient, loss: loss)
        }
        #expect(lin.namedParameters.map(\.name) == (bias ? ["weight", "bias"] : ["weight"]))
    }

    @Test func frozenLinearAccumulatesNothing() {
        var rng = RandomGenerator(seed: 4)
        let lin = Linear(2, 2, rng: &rng)
        lin.weight.isTrainable = false
        lin.backward(
            input: Tensor.normal([3, 2], rng: &rng), gradOutput: Tensor.normal([3, 2], rng: &rng),
            needInputGradient: false)
        #expect(lin.weight.gradient.sumOfSquares() == 0)
        #expect(lin.bias!.gradient.sumOfSquares() > 0)
    }
}
