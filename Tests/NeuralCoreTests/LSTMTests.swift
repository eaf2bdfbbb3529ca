import Foundation
import NumericTestSupport
import Support
import Testing

@testable import NeuralCore

@Suite struct LSTMTests {
    /// Reference single step in Double with PyTorch's equations and gate order i, f, g, o.
    func referenceStep(_ layer: LSTMLayer, x: [Float], h: [Float], c: [Float]) -> (h: [Double], c: [Double]) {
        let H = layer.hiddenSize, I = layer.inputSize
        let wih = layer.weightIH.value, whh = layer.weightHH.value, bih = layer.biasIH.value, bhh = layer.biasHH.value
        func pre(_ row: Int) -> Double {
            var s = Double(bih.data[row] + bhh.data[row])
            for k in 0..<I { s += Double(wih.data[row * I + k]) * Double(x[k]) }
            for k in 0..<H { s += Double(whh.data[row * H + k]) * Double(h[k]) }
            return s
        }
        func sig(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        var hn = [Double](), cn = [Double]()
        for j in 0..<H {
            let i = sig(pre(j)), f = sig(pre(H + j)), g = tanh(pre(2 * H + j)), o = sig(pre(3 * H + j))
            let cc = f * Double(c[j]) + i * g
            cn.append(cc); hn.append(o * tanh(cc))
        }
        return (hn, cn)
    }

    @Test func forwardMatchesPyTorchEquations() {
        var rng = RandomGenerator(seed: 1)
        let layer = LSTMLayer(inputSize: 3, hiddenSize: 4, rng: &rng)
        let x = Tensor.normal([2, 3, 3], rng: &rng)
        let h0 = Tensor.normal([2, 4], rng: &rng), c0 = Tensor.normal([2, 4], rng: &rng)
        let (out, final, _) = layer.forward(x, lengths: nil, initialState: RNNState(h: h0, c: c0), reverse: false)
        #expect(out.shape == [2, 3, 4])
        for b in 0..<2 {
            var h = Array(h0.scalars[(b * 4)..<(b * 4 + 4)]), c = Array(c0.scalars[(b * 4)..<(b * 4 + 4)])
            for t in 0..<3 {
                let xt = Array(x.scalars[((b * 3 + t) * 3)..<((b * 3 + t) * 3 + 3)])
                let r = referenceStep(layer, x: xt, h: h, c: c)
                for j in 0..<4 { #expect(abs(Double(out[b, t, j]) - r.h[j]) < 1e-5) }
                h = r.h.map { Float($0) }; c = r.c.map { Float($0) }
            }
            for j in 0..<4 {
                #expect(abs(final.h[b, j] - h[j]) < 1e-5)
                #expect(abs(final.c![b, j] - c[j]) < 1e-5)
            }
        }
    }

    /// L = Σ out ⊙ R + Σ h_T ⊙ Rh + Σ c_T ⊙ Rc, with lengths (padding) and optionally reversed.
    func checkGradients(lengths: [Int]?, reverse: Bool) {
        var rng = RandomGenerator(seed: 7)
        let (B, T, I, H) = (3, 4, 3, 5)
        let layer = LSTMLayer(inputSize: I, hiddenSize: H, rng: &rng)
        let x = Tensor.normal([B, T, I], rng: &rng)
        let h0 = Tensor.normal([B, H], std: 0.5, rng: &rng), c0 = Tensor.normal([B, H], std: 0.5, rng: &rng)
        let R = projection([B, T, H], seed: 11), Rh = projection([B, H], seed: 12), Rc = projection([B, H], seed: 13)
        func loss() -> Double {
            let r = layer.forward(x, lengths: lengths, initialState: RNNState(h: h0, c: c0), reverse: reverse)
            return r.output.dot(R) + r.finalState.h.dot(Rh) + r.finalState.c!.dot(Rc)
        }
        let r = layer.forward(x, lengths: lengths, initialState: RNNState(h: h0, c: c0), reverse: reverse)
        layer.zeroGradients()
        let g = layer.backward(r.cache, gradOutput: R, gradFinalState: RNNState(h: Rh, c: Rc))
        expectGradient("dx", of: x, analytic: g.gradInput, loss: loss)
        expectGradient("dh0", of: h0, analytic: g.gradInitialState.h, loss: loss)
        expectGradient("dc0", of: c0, analytic: g.gradInitialState.c!, loss: loss)
        for p in layer.namedParameters {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient, loss: loss)
        }
    }

    @Test func gradientsFullLength() { checkGradients(lengths: nil, reverse: false) }
    @Test func gradientsWithPadding() { checkGradients(lengths: [4, 2, 0], reverse: false) }
    @Test func gradientsReversedWithPadding() { checkGradients(lengths: [3, 4, 1], reverse: true) }

    /// Padding changes nothing: padded steps are exactly zero in the output and the input
    /// gradient, junk (even NaN) there never leaks, and real steps agree with the unpadded run to
    /// within rounding — the input projection runs over every row of the batch at once, and a
    /// BLAS may round a row differently when the number of rows changes.
    @Test(arguments: [false, true])
    func paddingChangesNothing(reverse: Bool) {
        var rng = RandomGenerator(seed: 3)
        let (I, H, T) = (3, 4, 3)
        let layer = LSTMLayer(inputSize: I, hiddenSize: H, rng: &rng)
        // One real sequence of length 3, alone and padded to 6 with junk (including NaN).
        let real = Tensor.normal([1, T, I], rng: &rng)
        let padded = Tensor.normal([1, 6, I], std: 100, rng: &rng)
        padded.data.update(from: real.data, count: T * I)
        padded.data[T * I + 1] = .nan
        let weights = layer.namedParameters.map { Rounding.maxMagnitude($0.parameter.value.scalars) }.max()!
        // Forward: each step's gate pre-activations sum I inputs, H states (|h| < 1) and 2 biases.
        let forwardTolerance = Rounding.chain(
            stages: T, terms: I + H + 2,
            magnitude: (Double(I) * Rounding.maxMagnitude(real.scalars) + Double(H) + 2) * weights)
        let a = layer.forward(real, lengths: nil, initialState: nil, reverse: reverse)
        let b = layer.forward(padded, lengths: [T], initialState: nil, reverse: reverse)
        for t in 0..<T {
            for j in 0..<H { #expect(abs(a.output[0, t, j] - b.output[0, t, j]) <= Float(forwardTolerance)) }
        }
        for t in T..<6 { for j in 0..<H { #expect(b.output[0, t, j] == 0) } }
        #expect(a.finalState.h.maxAbsDifference(b.finalState.h) <= Float(forwardTolerance))
        #expect(a.finalState.c!.maxAbsDifference(b.finalState.c!) <= Float(forwardTolerance))
        // Gradients: same output gradient on real steps, junk on padded ones.
        let gA = projection([1, T, H], seed: 5)
        let gB = Tensor.normal([1, 6, H], std: 50, rng: &rng)
        gB.data.update(from: gA.data, count: T * H)
        // Backward: the state gradient gathers every later step's output gradient; each input or
        // state gradient sums 4H gate gradients.
        let gradientTolerance = Rounding.chain(
            stages: T, terms: 4 * H,
            magnitude: Double(4 * H * T) * Rounding.maxMagnitude(gA.scalars) * weights)
        layer.zeroGradients()
        let ra = layer.backward(a.cache, gradOutput: gA, gradFinalState: nil)
        let gradsA = layer.namedParameters.map { $0.parameter.gradient.copy() }
        layer.zeroGradients()
        let rb = layer.backward(b.cache, gradOutput: gB, gradFinalState: nil)
        for (ga, p) in zip(gradsA, layer.namedParameters) {
            #expect(ga.maxAbsDifference(p.parameter.gradient) < 1e-6, "\(p.name)")
        }
        for (x, y) in zip(rb.gradInput.scalars[0..<(T * I)], ra.gradInput.scalars) {
            #expect(abs(x - y) <= Float(gradientTolerance), "input gradient \(x) vs \(y)")
        }
        #expect(rb.gradInput.scalars[(T * I)...].allSatisfy { $0 == 0 })
        #expect(ra.gradInitialState.h.maxAbsDifference(rb.gradInitialState.h) < 1e-6)
    }

    @Test func batchRowsAreIndependent() {
        // A row's result does not depend on the other rows of the batch (or their lengths).
        var rng = RandomGenerator(seed: 9)
        let layer = LSTMLayer(inputSize: 2, hiddenSize: 3, rng: &rng)
        let x = Tensor.normal([2, 5, 2], rng: &rng)
        let both = layer.forward(x, lengths: [5, 2], initialState: nil, reverse: true)
        let first = layer.forward(x.rows(0..<1), lengths: nil, initialState: nil, reverse: true)
        #expect(both.output.rows(0..<1).maxAbsDifference(first.output) < 1e-6)
    }

    @Test func parameterNamesAndShapesFollowPyTorch() {
        var rng = RandomGenerator(seed: 1)
        let layer = LSTMLayer(inputSize: 7, hiddenSize: 5, rng: &rng)
        #expect(layer.namedParameters.map(\.name) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
        #expect(layer.namedParameters.map(\.parameter.value.shape) == [[20, 7], [20, 5], [20], [20]])
    }
}
