import Support
import Testing

@testable import NeuralCore

@Suite struct RecurrentTests {
    @Test func timeMajorRoundTripWithReverse() {
        let x = Tensor(shape: [2, 3, 1], [1, 2, 3, 4, 5, 6])
        let tm = toTimeMajor(x, lengths: [3, 2], reverse: true)
        // Row 0 reversed over 3 steps: 3, 2, 1; row 1 over 2 steps: 5, 4, then padding 0.
        #expect(tm.scalars == [3, 5, 2, 4, 1, 0])
        #expect(fromTimeMajor(tm, lengths: [3, 2], reverse: true).scalars == [1, 2, 3, 4, 5, 0])
    }

    @Test func pyTorchParameterNames() {
        var rng = RandomGenerator(seed: 1)
        let lstm = LSTM(inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: true, rng: &rng)
        let names = lstm.parameters(prefix: "encoder.lstm").map(\.name)
        #expect(names.count == 16)
        #expect(
            names.prefix(5) == [
                "encoder.lstm.weight_ih_l0", "encoder.lstm.weight_hh_l0", "encoder.lstm.bias_ih_l0",
                "encoder.lstm.bias_hh_l0", "encoder.lstm.weight_ih_l0_reverse"
            ])
        #expect(lstm.layers[1][0].inputSize == 6)
    }

    func checkStack<L: RecurrentLayer>(_ type: L.Type, hasCell: Bool) {
        var rng = RandomGenerator(seed: 31)
        let (B, T, I, H) = (2, 3, 3, 3)
        let net = StackedRecurrent<L>(inputSize: I, hiddenSize: H, layers: 2, bidirectional: true, rng: &rng)
        let x = Tensor.normal([B, T, I], rng: &rng)
        let lengths = [3, 2]
        let initial = (0..<4).map { _ in
            RNNState(
                h: Tensor.normal([B, H], std: 0.5, rng: &rng),
                c: hasCell ? Tensor.normal([B, H], std: 0.5, rng: &rng) : nil)
        }
        let R = projection([B, T, 2 * H], seed: 41)
        let Rf = (0..<4).map { k in
            RNNState(
                h: projection([B, H], seed: 50 + UInt64(k)), c: hasCell ? projection([B, H], seed: 60 + UInt64(k)) : nil
            )
        }
        func loss() -> Double {
            let r = net.forward(x, lengths: lengths, initialStates: initial)
            var s = r.output.dot(R)
            for (f, g) in zip(r.finalStates, Rf) { s += f.h.dot(g.h); if let c = f.c { s += c.dot(g.c!) } }
            return s
        }
        let r = net.forward(x, lengths: lengths, initialStates: initial)
        #expect(r.output.shape == [B, T, 2 * H])
        net.zeroGradients()
        let g = net.backward(r.cache, gradOutput: R, gradFinalStates: Rf)
        expectGradient("dx", of: x, analytic: g.gradInput, loss: loss)
        for k in 0..<4 {
            expectGradient("dh0[\(k)]", of: initial[k].h, analytic: g.gradInitialStates[k].h, loss: loss)
            if hasCell {
                expectGradient("dc0[\(k)]", of: initial[k].c!, analytic: g.gradInitialStates[k].c!, loss: loss)
            }
        }
        for p in net.namedParameters {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient, maxChecks: 15, loss: loss)
        }
    }

    @Test func bidirectionalTwoLayerLSTMGradients() { checkStack(LSTMLayer.self, hasCell: true) }
    @Test func bidirectionalTwoLayerGRUGradients() { checkStack(GRULayer.self, hasCell: false) }

    @Test func bidirectionalOutputHalvesAreTheDirections() {
        var rng = RandomGenerator(seed: 8)
        let net = LSTM(inputSize: 2, hiddenSize: 3, bidirectional: true, rng: &rng)
        let x = Tensor.normal([2, 4, 2], rng: &rng)
        let r = net.forward(x, lengths: [4, 3])
        let fwd = net.layers[0][0].forward(x, lengths: [4, 3], initialState: nil, reverse: false)
        let bwd = net.layers[0][1].forward(x, lengths: [4, 3], initialState: nil, reverse: true)
        let halves = r.output.splitLast([3, 3])
        #expect(halves[0].scalars == fwd.output.scalars)
        #expect(halves[1].scalars == bwd.output.scalars)
        // The reverse direction's final state is its state after reading position 0.
        #expect(r.finalStates[1].h.scalars == bwd.finalState.h.scalars)
        for j in 0..<3 { #expect(bwd.output[1, 0, j] == bwd.finalState.h[1, j]) }
    }

    @Test func interLayerDropoutGradients() {
        var rng = RandomGenerator(seed: 19)
        let (B, T, I, H) = (2, 3, 2, 3)
        let net = LSTM(inputSize: I, hiddenSize: H, layers: 3, dropout: 0.4, rng: &rng)
        let x = Tensor.normal([B, T, I], rng: &rng)
        let R = projection([B, T, H], seed: 20)
        func run() -> (Double, LSTM.Cache) {
            var drop = RandomGenerator(seed: 21)  // the same masks on every evaluation
            let r = net.forward(x, lengths: [3, 2], training: true, rng: &drop)
            return (r.output.dot(R), r.cache)
        }
        net.zeroGradients()
        let cache = run().1
        #expect(cache.masks.count == 2 && cache.masks.allSatisfy { $0 != nil })
        let g = net.backward(cache, gradOutput: R)
        expectGradient("dx", of: x, analytic: g.gradInput) { run().0 }
        for p in net.namedParameters {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient, maxChecks: 10) { run().0 }
        }
        // Evaluation mode draws no masks.
        #expect(net.forward(x).cache.masks.allSatisfy { $0 == nil })
    }
}
