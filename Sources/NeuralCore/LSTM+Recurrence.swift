/// The time loop of an LSTM layer over time-major buffers: shared by
/// ``LSTMLayer/forward(_:lengths:initialState:reverse:)``
/// and ``LSTMLayer/backward(_:gradOutput:gradFinalState:)`` and by callers that build the gate
/// inputs themselves (the character VAE gathers them from per-symbol tables).
///
/// Layout: row `t·B + b` is sequence b at step t. A step is one GEMM `h_{t−1} · W_hhᵀ`
/// (`[B, H] × [H, 4H]`) against W_hh packed once per pass (``PackedMatrix``; the weight does not
/// change within a pass; see `StepWeight` for when it is not worth it) and one kernel for the gate nonlinearities and
/// the cell update
/// (`Kernels.lstmForwardStep`, AVX-512 or AVX2 when available). Backward mirrors it: one kernel
/// for the gate gradients, then one GEMM `dG_t · W_hh` against W_hh packed once. Rows of steps
/// t ≥ `lengths[b]` are padding: the state (and its gradient) is carried through them.
extension LSTMLayer {
    /// Runs the recurrence forward.
    ///
    /// - Parameters:
    ///   - gates: `[T·B, 4H]`: on entry the input part of the gate pre-activations
    ///     (`x_t W_ihᵀ + b_ih + b_hh`), on return the activated gates i, f, g, o (unspecified on
    ///     padded rows).
    ///   - hs, cs: `[(T+1)·B, H]`: block 0 holds the initial state on entry; block t + 1 gets the
    ///     state after step t (block T is the final state of every sequence).
    ///   - tanhC: `[T·B, H]` gets tanh(c_t) (unspecified on padded rows).
    ///   - lengths: B values in 0…T.
    public func recurrenceForward(
        gates: Tensor, hs: Tensor, cs: Tensor, tanhC: Tensor, lengths: [Int], batch B: Int, time T: Int
    ) {
        let H = hiddenSize, G = 4 * H, BH = B * H
        precondition(
            gates.count == T * B * G && tanhC.count == T * BH && hs.count == (T + 1) * BH && cs.count == (T + 1) * BH,
            "LSTM recurrence: buffers \(gates.shape), \(hs.shape), \(cs.shape), \(tanhC.shape) for B \(B), T \(T), H "
                + "\(H)."
        )
        precondition(lengths.count == B, "LSTM recurrence: \(lengths.count) lengths for a batch of \(B).")
        let maxLength = lengths.max() ?? 0
        let weights = StepWeight(weightHH.value, transposed: true, steps: maxLength, rows: B)  // h · W_hhᵀ
        let lens = lengths.map { Int32($0) }
        let gp = gates.data, hp = hs.data, cp = cs.data, tp = tanhC.data
        lens.withUnsafeBufferPointer { lens in
            for t in 0..<T {
                let h = hp + t * BH, c = cp + t * BH
                if t < maxLength {
                    weights.accumulate(m: B, a: h, lda: H, into: gp + t * B * G, ldc: G)
                }
                Kernels.lstmForwardStep(
                    rows: B, hidden: H, lengths: lens.baseAddress, t: t, gates: gp + t * B * G,
                    hPrev: h, cPrev: c, hNext: h + BH, cNext: c + BH, tanhC: tp + t * BH)
            }
        }
    }

    /// Back-propagation through the recurrence of ``recurrenceForward(gates:hs:cs:tanhC:lengths:batch:time:)``.
    ///
    /// - Parameters:
    ///   - gates, cs, tanhC: what the forward pass left (activated gates, states, tanh(c_t)).
    ///   - gradOutput: `[T·B, H]` dL/dh_t of every step's output (zero on padded rows), or nil.
    ///   - dh, dc: `[B, H]`: dL/d(final state) on entry, dL/d(initial state) on return.
    /// - Returns: dL/d(gate pre-activations) `[T·B, 4H]`, zero on padded rows. The weight and
    ///   bias gradients are the caller's: each is one GEMM or column sum over all steps.
    public func recurrenceBackward(
        gates: Tensor, cs: Tensor, tanhC: Tensor, lengths: [Int], batch B: Int, time T: Int,
        gradOutput: Tensor?, dh: Tensor, dc: Tensor
    ) -> Tensor {
        let H = hiddenSize, G = 4 * H, BH = B * H
        precondition(
            gates.count == T * B * G && tanhC.count == T * BH && cs.count == (T + 1) * BH && dh.count == BH
                && dc.count == BH,
            "LSTM recurrence backward: buffers \(gates.shape), \(cs.shape), \(tanhC.shape), \(dh.shape), \(dc.shape) "
                + "for B \(B), T \(T), H \(H)."
        )
        precondition(
            gradOutput.map { $0.count == T * BH } ?? true,
            "LSTM recurrence backward: gradOutput \(gradOutput!.shape), expected [\(T * B), \(H)].")
        let maxLength = lengths.max() ?? 0
        let dG = Tensor(uninitialized: [T * B, G])
        if maxLength < T { dG.rows((maxLength * B)..<(T * B)).zero() }
        guard maxLength > 0 else { return dG }
        let weights = StepWeight(weightHH.value, transposed: false, steps: maxLength, rows: B)  // dG · W_hh
        let lens = lengths.map { Int32($0) }
        let gp = gates.data, cp = cs.data, tp = tanhC.data, dgp = dG.data, dhp = dh.data, dcp = dc.data
        let dop = gradOutput?.data
        lens.withUnsafeBufferPointer { lens in
            for t in stride(from: maxLength - 1, through: 0, by: -1) {
                Kernels.lstmBackwardStep(
                    rows: B, hidden: H, lengths: lens.baseAddress, t: t, gates: gp + t * B * G,
                    cPrev: cp + t * BH, tanhC: tp + t * BH, gradH: dop.map { $0 + t * BH },
                    dh: dhp, dc: dcp, dGates: dgp + t * B * G)
                // dh_{t−1} = dG_t W_hh (padded rows have dG = 0 and keep their carried dh).
                weights.accumulate(m: B, a: dgp + t * B * G, lda: G, into: dhp, ldc: H)
            }
        }
        return dG
    }
}

/// The recurrent weight of one pass, multiplied into every step: packed once (``PackedMatrix``)
/// when the pass has enough steps and rows to repay the packing, else through OpenBLAS per call.
///
/// Why both: packing `[1024, 256]` costs ≈ 0.1 ms (a 1 MB copy), while a packed
/// `[B, 256] · [256, 1024]` saves ≈ 55 µs per call at B = 4 and more at larger B (OpenBLAS repacks
/// per call) but nothing at B = 1, where OpenBLAS takes a matrix–vector path. A step-wise caller
/// (`LSTMCell` in decoding: one step per pass) would pay the packing at every step. Without AVX2
/// the packed kernel is portable C, 2.5× slower than OpenBLAS's own kernels for the CPU, so it is
/// not used there either.
struct StepWeight {
    /// Passes with fewer steps or rows go through OpenBLAS.
    static let minimumSteps = 4, minimumRows = 2

    private let packed: PackedMatrix?
    private let weight: Tensor
    private let transposed: Bool

    /// op(W) = Wᵀ (`transposed`, for `h · W_hhᵀ`) or W, for `steps` products of `rows` rows each.
    init(_ weight: Tensor, transposed: Bool, steps: Int, rows: Int) {
        self.weight = weight
        self.transposed = transposed
        let pays = steps >= Self.minimumSteps && rows >= Self.minimumRows && Kernels.instructionSet != .portable
        packed = pays ? PackedMatrix(weight, transposed: transposed) : nil
    }

    /// c += a · op(W) for `m` rows of a (row stride `lda`) into c (row stride `ldc`).
    func accumulate(m: Int, a: UnsafePointer<Float>, lda: Int, into c: UnsafeMutablePointer<Float>, ldc: Int) {
        if let packed {
            packed.multiply(m: m, a: a, lda: lda, into: c, ldc: ldc, beta: 1)
        } else {
            let k = transposed ? weight.lastDimension : weight.rowCount,
                n = transposed ? weight.rowCount : weight.lastDimension
            BLAS.sgemm(
                transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                b: weight.data, ldb: weight.lastDimension, beta: 1, c: c, ldc: ldc)
        }
    }
}
