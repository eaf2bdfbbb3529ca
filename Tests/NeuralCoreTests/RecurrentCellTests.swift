import Support
import Testing

@testable import NeuralCore

@Suite struct RecurrentCellTests {
    @Test func cellStepsEqualTheSequenceLayer() {
        var rng = RandomGenerator(seed: 12)
        let cell = LSTMCell(inputSize: 3, hiddenSize: 4, rng: &rng)
        let x = Tensor.normal([2, 5, 3], rng: &rng)
        let seq = cell.layer.forward(x, lengths: nil, initialState: nil, reverse: false)
        var state: RNNState? = nil
        for t in 0..<5 {
            let xt = Tensor(zeros: [2, 3])
            for b in 0..<2 { for k in 0..<3 { xt[b, k] = x[b, t, k] } }
            state = cell.forward(xt, state: state).state
            for b in 0..<2 { for j in 0..<4 { #expect(abs(state!.h[b, j] - seq.output[b, t, j]) < 1e-6) } }
        }
    }

    /// Unrolls a cell for 3 steps with an inactive row at step 1, then backpropagates step by step.
    func checkUnrolled<L: RecurrentLayer>(_ type: L.Type, hasCell: Bool) {
        var rng = RandomGenerator(seed: 13)
        let (B, I, H, T) = (2, 3, 4, 3)
        let cell = RecurrentCell<L>(inputSize: I, hiddenSize: H, rng: &rng)
        let xs = (0..<T).map { _ in Tensor.normal([B, I], rng: &rng) }
        let h0 = Tensor.normal([B, H], rng: &rng), c0 = hasCell ? Tensor.normal([B, H], rng: &rng) : nil
        let active: [[Bool]] = [[true, true], [true, false], [true, true]]
        let Rs = (0..<T).map { projection([B, H], seed: 70 + UInt64($0)) }
        func run() -> (loss: Double, caches: [L.Cache]) {
            var s = RNNState(h: h0, c: c0)
            var loss = 0.0
            var caches: [L.Cache] = []
            for t in 0..<T {
                let r = cell.forward(xs[t], state: s, active: active[t])
                s = r.state
                caches.append(r.cache)
                loss += s.h.dot(Rs[t])
            }
            return (loss, caches)
        }
        cell.zeroGradients()
        let caches = run().caches
        var grad = RNNState(h: Tensor(zeros: [B, H]), c: hasCell ? Tensor(zeros: [B, H]) : nil)
        var dxs = [Tensor](repeating: Tensor(zeros: [0]), count: T)
        for t in stride(from: T - 1, through: 0, by: -1) {
            grad.h.add(Rs[t])
            let r = cell.backward(caches[t], gradState: grad)
            dxs[t] = r.gradInput
            grad = r.gradState
        }
        for t in 0..<T { expectGradient("dx\(t)", of: xs[t], analytic: dxs[t]) { run().loss } }
        expectGradient("dh0", of: h0, analytic: grad.h) { run().loss }
        if hasCell { expectGradient("dc0", of: c0!, analytic: grad.c!) { run().loss } }
        for p in cell.namedParameters {
            expectGradient(p.name, of: p.parameter.value, analytic: p.parameter.gradient) { run().loss }
        }
        // The inactive row's input at step 1 gets no gradient.
        #expect(dxs[1][1, 0] == 0)
    }

    @Test func lstmCellUnrolledGradients() { checkUnrolled(LSTMLayer.self, hasCell: true) }
    @Test func gruCellUnrolledGradients() { checkUnrolled(GRULayer.self, hasCell: false) }

    @Test func inactiveRowsCarryTheState() {
        var rng = RandomGenerator(seed: 14)
        let cell = GRUCell(inputSize: 2, hiddenSize: 3, rng: &rng)
        let h = Tensor.normal([2, 3], rng: &rng)
        let r = cell.forward(Tensor.normal([2, 2], rng: &rng), state: RNNState(h: h), active: [false, true])
        #expect(Array(r.state.h.scalars[0..<3]) == Array(h.scalars[0..<3]))
        #expect(Array(r.state.h.scalars[3..<6]) != Array(h.scalars[3..<6]))
    }
}
