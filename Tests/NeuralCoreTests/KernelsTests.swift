import Foundation
import Support
import Testing

@testable import NeuralCore

/// CKernels through `Kernels`: the packed GEMM against OpenBLAS and the LSTM step kernels against
/// a Double reference, on every instruction-set path this machine can run (each path is bound
/// with the task-local `Kernels.instructionSet`, so parallel tests are unaffected); the whole
/// LSTM layer's gradient on every path. Unsupported paths are skipped (and printed).
@Suite struct KernelsTests {
    static let paths = Kernels.InstructionSet.allCases

    /// Runs `body` on `isa` if this machine supports it.
    static func on(_ isa: Kernels.InstructionSet, _ body: () -> Void) {
        guard isa.isSupported else {
            print("KernelsTests: \(isa) is not supported here; skipped")
            return
        }
        Kernels.$instructionSet.withValue(isa, operation: body)
    }

    @Test func bestPathIsSupported() {
        #expect(Kernels.best.isSupported)
        #expect(Kernels.InstructionSet.portable.isSupported)
    }

    // MARK: Packed GEMM

    /// (M, N, K): single elements, M, N and K below, at and above the tiles (rows 4/6/8, columns
    /// 16/32), the character VAE's step shapes and a panel-crossing odd case.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (7, 45, 13), (9, 33, 17), (13, 70, 5), (6, 16, 3), (8, 32, 8), (3, 15, 2), (32, 1024, 64),
        (33, 31, 257)
    ]

    /// c = op(a) · op(b) + beta · c through `PackedMatrix` equals `BLAS.sgemm` for every
    /// combination of transposes and beta ∈ {0, 1, 0.5}.
    @Test(arguments: paths) func packedGEMMMatchesBLAS(isa: Kernels.InstructionSet) {
        Self.on(isa) {
            var rng = RandomGenerator(seed: 5)
            for (m, n, k) in Self.shapes {
                for transposeA in [false, true] {
                    for transposeB in [false, true] {
                        for beta: Float in [0, 1, 0.5] {
                            let a = Tensor.uniform(transposeA ? [k, m] : [m, k], low: -1, high: 1, rng: &rng)
                            let b = Tensor.uniform(transposeB ? [n, k] : [k, n], low: -1, high: 1, rng: &rng)
                            let c0 = Tensor.uniform([m, n], low: -1, high: 1, rng: &rng)
                            let expected = c0.copy(), ours = c0.copy()
                            Tensor.gemm(
                                a, transposeA: transposeA, b, transposeB: transposeB, into: expected, beta: beta)
                            let packed = PackedMatrix(b, transposed: transposeB)
                            #expect(packed.rows == k && packed.columns == n)
                            packed.multiply(a, transposeA: transposeA, into: ours, beta: beta)
                            let d = ours.maxAbsDifference(expected)
                            #expect(
                                d < 1e-5 * Float(k).squareRoot() + 1e-6,
                                "\(isa) \(m)×\(n)×\(k) tA \(transposeA) tB \(transposeB) β \(beta): max |Δ| \(d)")
                        }
                    }
                }
            }
        }
    }

    /// Row strides wider than the matrices (the pointer form, as the recurrences use it), and
    /// beta = 0 never reads c (NaN there does not leak), and writes nothing past N.
    @Test(arguments: paths) func packedGEMMHonoursStridesAndIgnoresCWhenBetaIsZero(isa: Kernels.InstructionSet) {
        Self.on(isa) {
            var rng = RandomGenerator(seed: 6)
            let (m, n, k, lda, ldc) = (11, 37, 19, 23, 41)
            let a = Tensor.uniform([m, lda], low: -1, high: 1, rng: &rng)
            let b = Tensor.uniform([k, n], low: -1, high: 1, rng: &rng)
            let c = Tensor(shape: [m, ldc], repeating: .nan)
            PackedMatrix(b, transposed: false).multiply(m: m, a: a.data, lda: lda, into: c.data, ldc: ldc, beta: 0)
            let expected = Tensor(zeros: [m, n])
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a.data, lda: lda, b: b.data,
                ldb: n,
                beta: 0, c: expected.data, ldc: n)
            for i in 0..<m {
                for j in 0..<n { #expect(abs(c[i, j] - expected[i, j]) < 1e-5, "\(isa) [\(i), \(j)]") }
                for j in n..<ldc { #expect(c[i, j].isNaN, "\(isa): wrote column \(j) past N") }
            }
        }
    }

    /// A row's result is bit-identical whether it is computed alone or within a batch (the sums
    /// run in order of k whatever the tiling), so results do not depend on how a batch is cut.
    @Test(arguments: paths) func packedGEMMRowsDoNotDependOnTheBatch(isa: Kernels.InstructionSet) {
        Self.on(isa) {
            var rng = RandomGenerator(seed: 7)
            let (m, n, k) = (19, 70, 33)
            let a = Tensor.uniform([m, k], low: -1, high: 1, rng: &rng)
            let packed = PackedMatrix(Tensor.uniform([n, k], low: -1, high: 1, rng: &rng), transposed: true)
            let all = Tensor(zeros: [m, n])
            packed.multiply(a, into: all)
            for i in 0..<m {
                let one = Tensor(zeros: [1, n])
                packed.multiply(a.rows(i..<(i + 1)), into: one)
                #expect(one.scalars == all.rows(i..<(i + 1)).scalars, "\(isa) row \(i)")
            }
        }
    }

    /// `StepWeight` packs only for passes long and wide enough to repay it; both ways give the
    /// same product (to rounding), for `h · Wᵀ` and `dG · W`.
    @Test func stepWeightPacksOnlyWhenItPaysAndAgrees() {
        var rng = RandomGenerator(seed: 10)
        let w = Tensor.uniform([44, 11], low: -1, high: 1, rng: &rng)  // [4H, H], H = 11
        for transposed in [true, false] {
            let (k, n) = transposed ? (11, 44) : (44, 11)
            let a = Tensor.uniform([5, k], low: -1, high: 1, rng: &rng)
            let c0 = Tensor.uniform([5, n], low: -1, high: 1, rng: &rng)
            var results: [Tensor] = []
            for (steps, rows) in [(StepWeight.minimumSteps, StepWeight.minimumRows), (1, 5), (50, 1)] {
                let c = c0.copy()
                StepWeight(w, transposed: transposed, steps: steps, rows: rows).accumulate(
                    m: 5, a: a.data, lda: k, into: c.data, ldc: n)
                results.append(c)
            }
            let expected = c0.copy()
            Tensor.gemm(a, w, transposeB: transposed, into: expected, beta: 1)
            for c in results { #expect(c.maxAbsDifference(expected) < 1e-5, "transposed \(transposed)") }
        }
    }

    // MARK: Softmax loss

    /// The loss-only softmax kernel against a Double reference and against the training loss's
    /// rows, for vocabularies below, at and across the 8- and 16-lane widths, a PTB-sized one split
    /// over the cores, and rows whose logits lie far apart (the clamped exponentials). Bound: each
    /// exponential is within a few ulps and the Float sum of V terms within about V ulps of its value.
    @Test(arguments: paths) func softmaxLossMatchesReference(isa: Kernels.InstructionSet) {
        Self.on(isa) {
            var rng = RandomGenerator(seed: 9)
            for (rows, V, spread) in [
                (1, 1, Float(3)), (3, 7, 3), (4, 8, 3), (5, 15, 3), (2, 16, 3), (6, 17, 3), (3, 33, 3), (4, 40, 200),
                (130, 10_004, 6)
            ] {
                let logits = Tensor.uniform([rows, V], low: -spread, high: spread, rng: &rng)
                let targets = (0..<rows).map { _ in rng.nextInt(below: V) }
                let before = logits.copy()
                let losses = softmaxNegativeLogLikelihood(logits: logits, targets: targets)
                #expect(logits.maxAbsDifference(before) == 0, "\(isa) V \(V): the logits were written")
                let training = softmaxCrossEntropy(logits: before, targets: targets)
                for r in 0..<rows {
                    let x = (0..<V).map { Double(logits.data[r * V + $0]) }
                    let m = x.max()!
                    let reference = m - x[targets[r]] + Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - m) })
                    let bound = Double(V) * 1.2e-7 + 1e-6 * (1 + abs(reference))
                    #expect(
                        abs(losses[r] - reference) <= bound,
                        "\(isa) rows \(rows) V \(V) row \(r): \(losses[r]) vs \(reference)")
                    #expect(abs(losses[r] - Double(training.perSequence[r])) <= bound + 1e-7 * abs(reference))
                }
            }
        }
    }

    // MARK: LSTM step kernels

    /// Forward and backward step kernels against the equations in Double, for hidden sizes
    /// around the vector widths (16 and 8 lanes, masked and scalar tails), with a padded row.
    @Test(arguments: paths) func lstmStepKernelsMatchTheEquations(isa: Kernels.InstructionSet) {
        Self.on(isa) {
            for H in [1, 7, 8, 10, 16, 17, 33] {
                checkStep(isa: isa, hidden: H, withGradH: H % 2 == 1)
            }
        }
    }

    func checkStep(isa: Kernels.InstructionSet, hidden H: Int, withGradH: Bool) {
        var rng = RandomGenerator(seed: UInt64(H))
        let B = 3, t = 2
        let lengths: [Int32] = [5, 2, 3]  // row 1 is padding at step 2
        let pre = Tensor.normal([B, 4 * H], std: 2, rng: &rng)
        let hPrev = Tensor.normal([B, H], rng: &rng), cPrev = Tensor.normal([B, H], rng: &rng)
        let gates = pre.copy(), hNext = Tensor(zeros: [B, H]), cNext = Tensor(zeros: [B, H]),
            tanhC = Tensor(zeros: [B, H])
        lengths.withUnsafeBufferPointer { lens in
            Kernels.lstmForwardStep(
                rows: B, hidden: H, lengths: lens.baseAddress, t: t, gates: gates.data, hPrev: hPrev.data,
                cPrev: cPrev.data, hNext: hNext.data, cNext: cNext.data, tanhC: tanhC.data)
        }
        func sig(_ x: Float) -> Double { 1 / (1 + Foundation.exp(-Double(x))) }
        var worst = 0.0
        for b in 0..<B {
            for j in 0..<H {
                if b == 1 {
                    #expect(
                        hNext[b, j] == hPrev[b, j] && cNext[b, j] == cPrev[b, j],
                        "\(isa) H \(H): padded row not carried")
                    continue
                }
                let i = sig(pre[b, j]), f = sig(pre[b, H + j]), g = Foundation.tanh(Double(pre[b, 2 * H + j])),
                    o = sig(pre[b, 3 * H + j])
                let c = f * Double(cPrev[b, j]) + i * g, h = o * Foundation.tanh(c)
                for (ours, ref) in [
                    (gates[b, j], i), (gates[b, H + j], f), (gates[b, 2 * H + j], g), (gates[b, 3 * H + j], o),
                    (cNext[b, j], c), (tanhC[b, j], Foundation.tanh(c)), (hNext[b, j], h)
                ] {
                    worst = max(worst, abs(Double(ours) - ref))
                }
            }
        }
        #expect(worst < 1e-6, "\(isa) H \(H): forward max |Δ| \(worst)")

        // Backward from the kernel's own forward results.
        let dhIn = Tensor.normal([B, H], rng: &rng), dcIn = Tensor.normal([B, H], rng: &rng)
        let gradH = withGradH ? Tensor.normal([B, H], rng: &rng) : nil
        let dh = dhIn.copy(), dc = dcIn.copy(), dG = Tensor(shape: [B, 4 * H], repeating: .nan)
        lengths.withUnsafeBufferPointer { lens in
            Kernels.lstmBackwardStep(
                rows: B, hidden: H, lengths: lens.baseAddress, t: t, gates: gates.data, cPrev: cPrev.data,
                tanhC: tanhC.data, gradH: gradH?.data, dh: dh.data, dc: dc.data, dGates: dG.data)
        }
        worst = 0
        for b in 0..<B {
            if b == 1 {
                #expect(
                    dG.rows(1..<2).scalars.allSatisfy { $0 == 0 }, "\(isa) H \(H): padded row's gate gradient not zero")
                #expect(
                    dh.rows(1..<2).scalars == dhIn.rows(1..<2).scalars
                        && dc.rows(1..<2).scalars == dcIn.rows(1..<2).scalars)
                continue
            }
            for j in 0..<H {
                let i = Double(gates[b, j]), f = Double(gates[b, H + j]), g = Double(gates[b, 2 * H + j]),
                    o = Double(gates[b, 3 * H + j])
                let th = Double(tanhC[b, j]), dhj = Double(dhIn[b, j]) + Double(gradH?[b, j] ?? 0)
                let dct = Double(dcIn[b, j]) + dhj * o * (1 - th * th)
                let refs = [
                    dct * g * i * (1 - i), dct * Double(cPrev[b, j]) * f * (1 - f), dct * i * (1 - g * g),
                    dhj * th * o * (1 - o)
                ]
                for (q, ref) in refs.enumerated() { worst = max(worst, abs(Double(dG[b, q * H + j]) - ref)) }
                worst = max(worst, abs(Double(dc[b, j]) - dct * f))
                #expect(dh[b, j] == 0)
            }
        }
        #expect(worst < 1e-5, "\(isa) H \(H): backward max |Δ| \(worst)")
    }

    /// The whole LSTM layer (packed GEMMs and step kernels) against central differences on every
    /// path: hidden 17 runs AVX-512's masked tail and AVX2's scalar tail; padding and reversal.
    @Test(arguments: paths) func lstmLayerGradientsOnEveryPath(isa: Kernels.InstructionSet) {
        Self.on(isa) {
            var rng = RandomGenerator(seed: 8)
            let (B, T, I, H) = (3, 4, 3, 17)
            let layer = LSTMLayer(inputSize: I, hiddenSize: H, rng: &rng)
            let x = Tensor.normal([B, T, I], rng: &rng)
            let h0 = Tensor.normal([B, H], std: 0.5, rng: &rng), c0 = Tensor.normal([B, H], std: 0.5, rng: &rng)
            let R = projection([B, T, H], seed: 11), Rh = projection([B, H], seed: 12)
            let lengths = [4, 1, 3]
            func loss() -> Double {
                let r = layer.forward(x, lengths: lengths, initialState: RNNState(h: h0, c: c0), reverse: true)
                return r.output.dot(R) + r.finalState.h.dot(Rh)
            }
            let r = layer.forward(x, lengths: lengths, initialState: RNNState(h: h0, c: c0), reverse: true)
            layer.zeroGradients()
            let g = layer.backward(r.cache, gradOutput: R, gradFinalState: RNNState(h: Rh, c: nil))
            expectGradient("\(isa) dx", of: x, analytic: g.gradInput, loss: loss)
            expectGradient("\(isa) dh0", of: h0, analytic: g.gradInitialState.h, loss: loss)
            expectGradient("\(isa) dc0", of: c0, analytic: g.gradInitialState.c!, loss: loss)
            for p in layer.namedParameters {
                expectGradient("\(isa) \(p.name)", of: p.parameter.value, analytic: p.parameter.gradient, loss: loss)
            }
        }
    }

    /// The paths agree with each other to rounding on a whole layer's forward pass.
    @Test func pathsAgree() {
        var rng = RandomGenerator(seed: 9)
        let layer = LSTMLayer(inputSize: 5, hiddenSize: 40, rng: &rng)
        let x = Tensor.normal([6, 7, 5], rng: &rng)
        let reference = Kernels.$instructionSet.withValue(.portable) {
            layer.forward(x, lengths: [7, 3, 5, 7, 1, 6]).output
        }
        for isa in Self.paths where isa.isSupported {
            let out = Kernels.$instructionSet.withValue(isa) { layer.forward(x, lengths: [7, 3, 5, 7, 1, 6]).output }
            #expect(out.maxAbsDifference(reference) < 1e-5, "\(isa)")
        }
    }
}
