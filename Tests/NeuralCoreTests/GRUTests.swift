import Foundation
import NumericTestSupport
import Support
import Testing

@testable import NeuralCore

@Suite struct GRUTests {
    @Test func forwardMatchesPyTorchEquations() {
        var rng = RandomGenerator(seed: 2)
        let (I, H) = (3, 4)
        let layer = GRULayer(inputSize: I, hiddenSize: H, rng: &rng)
        let x = Tensor.normal([1, 2, I], rng: &rng), h0 = Tensor.normal([1, H], rng: &rng)
        let r = layer.forward(x, lengths: nil, initialState: RNNState(h: h0), reverse: false)
        let wih = layer.weightIH.value, whh = layer.weightHH.value, bih = layer.biasIH.value, bhh = layer.biasHH.value
        var h = h0.scalars.map(Double.init)
        for t in 0..<2 {
            func gi(_ row: Int) -> Double {
                var s = Double(bih.data[row]); for k in 0..<I { s += Double(wih[row, k]) * Double(x[0, t, k]) };
                return s
            }
            func gh(_ row: Int) -> Double {
                var s = Double(bhh.data[row]); for k in 0..<H { s += Double(whh[row, k]) * h[k] }; return s
            }
            func sig(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
            var next = [Double]()
            for j in 0..<H {
                let rr = sig(gi(j) + gh(j)), z = sig(gi(H + j) + gh(H + j))
                let n = tanh(gi(2 * H + j) + rr * gh(2 * H + j))
                next.append((1 - z) * n + z * h[j])
            }
            h = next
            for j in 0..<H { #expect(abs(Double(r.output[0, t, j]) - h[j]) < 1e-5) }
        }
        #expect(r.finalState.c == nil)
    }

    func checkGradients(lengths: [Int]?, reverse: Bool) {
        var rng = RandomGenerator(seed: 17)
        let (B, T, I, H) = (3, 4, 3, 5)
        let layer = GRULayer(inputSize: I, hiddenSize: H, rng: &rng)
        let x = Tensor.normal([B, T, I], rng: &rng)
        let h0 = Tensor.normal([B, H], std: 0.5, rng: &rng)
        let R = projection([B, T, H], seed: 21), Rh = projection([B, H], seed: 22)
        func loss() -> Double {
            let r = layer.forward(x, lengths: lengths, initialState: RNNState(h: h0), reverse: reverse)
            return r.output.dot(R) + r.finalState.h.dot(Rh)
        }
        let r = layer.forward(x, lengths: lengths, initialState: RNNState(h: h0), reverse: reverse)
        layer.zeroGradients()
        let g = layer.backward(r.cache, gradOutput: R, gradFinalState: RNNState(h: Rh))
        expectGradient("dx", of: x, analytic: g.gradInput, loss: loss)
        expectGradient("dh0", of: h0, analytic: g.gradInitialState.h, loss: loss)
        for p in layer.namedParameters {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient, loss: loss)
        }
    }

    @Test func gradientsFullLength() { checkGradients(lengths: nil, reverse: false) }
    @Test func gradientsWithPadding() { checkGradients(lengths: [4, 1, 0], reverse: false) }
    @Test func gradientsReversedWithPadding() { checkGradients(lengths: [2, 4, 3], reverse: true) }

    /// As `LSTMTests.paddingChangesNothing`: padded steps exactly zero, real steps equal to
    /// within rounding (the input projection's rows may round differently with more rows).
    @Test(arguments: [false, true])
    func paddingChangesNothing(reverse: Bool) {
        var rng = RandomGenerator(seed: 4)
        let (I, H, T) = (3, 4, 2)
        let layer = GRULayer(inputSize: I, hiddenSize: H, rng: &rng)
        let real = Tensor.normal([1, T, I], rng: &rng)
        let padded = Tensor.normal([1, 5, I], std: 100, rng: &rng)
        padded.data.update(from: real.data, count: T * I)
        padded.data[T * I] = .infinity
        let weights = layer.namedParameters.map { Rounding.maxMagnitude($0.parameter.value.scalars) }.max()!
        let forwardTolerance = Float(
            Rounding.chain(
                stages: T, terms: I + H + 2,
                magnitude: (Double(I) * Rounding.maxMagnitude(real.scalars) + Double(H) + 2) * weights))
        let a = layer.forward(real, lengths: nil, initialState: nil, reverse: reverse)
        let b = layer.forward(padded, lengths: [T], initialState: nil, reverse: reverse)
        for (x, y) in zip(b.output.scalars[0..<(T * H)], a.output.scalars) { #expect(abs(x - y) <= forwardTolerance) }
        #expect(b.output.scalars[(T * H)...].allSatisfy { $0 == 0 })
        #expect(a.finalState.h.maxAbsDifference(b.finalState.h) <= forwardTolerance)
        let gA = projection([1, T, H], seed: 6)
        let gB = Tensor.normal([1, 5, H], std: 50, rng: &rng)
        gB.data.update(from: gA.data, count: T * H)
        let gradientTolerance = Float(
            Rounding.chain(
                stages: T, terms: 3 * H,
                magnitude: Double(3 * H * T) * Rounding.maxMagnitude(gA.scalars) * weights))
        layer.zeroGradients()
        let ra = layer.backward(a.cache, gradOutput: gA, gradFinalState: nil)
        let gradsA = layer.namedParameters.map { $0.parameter.gradient.copy() }
        layer.zeroGradients()
        let rb = layer.backward(b.cache, gradOutput: gB, gradFinalState: nil)
        for (ga, p) in zip(gradsA, layer.namedParameters) {
            #expect(ga.maxAbsDifference(p.parameter.gradient) < 1e-6, "\(p.name)")
        }
        for (x, y) in zip(rb.gradInput.scalars[0..<(T * I)], ra.gradInput.scalars) {
            #expect(abs(x - y) <= gradientTolerance)
        }
        #expect(rb.gradInput.scalars[(T * I)...].allSatisfy { $0 == 0 })
    }
}
