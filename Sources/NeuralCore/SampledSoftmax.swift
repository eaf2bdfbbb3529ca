import Foundation
import Support

/// Sampled softmax cross-entropy (importance sampling, Bengio & Senécal 2008; Jean et al. 2015)
/// for training with a large output vocabulary without computing all V logits.
///
/// For each batch, K negative classes are drawn (with replacement, shared by all rows) from a
/// proposal Q. Each row's candidates are its target (logit unchanged) and the K samples (logits
/// corrected by −log(K·Q(class))); sampled classes equal to the row's target ("accidental hits")
/// are excluded. The loss is the softmax cross-entropy over these K + 1 candidates, whose
/// normaliser is an unbiased estimate of the full softmax's, so it approaches the full loss as K
/// grows (unlike TensorFlow's variant, which also shifts the target logit). It is a training-time
/// approximation: evaluate with the full softmax (`Linear` + `softmaxCrossEntropy`).
///
/// - hidden: `[N, H]` (rows ordered `[batch, time]`); output layer `Linear(H, V)`.
/// - Gradients are accumulated into the output layer's weight and bias (only the K + targets rows
///   are non-zero); the gradient for `hidden` is returned.
public enum SampledSoftmax {
    /// The distribution negatives are drawn from.
    public enum Proposal: Sendable, Equatable {
        /// Every class equally likely.
        case uniform
        /// Q(k) = log((k + 2)/(k + 1)) / log(V + 1): for vocabularies sorted by decreasing frequency.
        case logUniform
    }

    static func probability(_ k: Int, _ V: Int, _ proposal: Proposal) -> Double {
        switch proposal {
        case .uniform: return 1 / Double(V)
        case .logUniform: return Foundation.log(Double(k + 2) / Double(k + 1)) / Foundation.log(Double(V + 1))
        }
    }

    static func draw(_ V: Int, _ proposal: Proposal, _ rng: inout RandomGenerator) -> Int {
        switch proposal {
        case .uniform: return rng.nextInt(below: V)
        case .logUniform:
            // Inverse CDF: CDF(k) = log(k + 2)/log(V + 1) − … ⇒ k = ⌊(V + 1)^u⌋ − 1.
            let u = Double(rng.next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
            return min(V - 1, max(0, Int(Foundation.exp(u * Foundation.log(Double(V + 1)))) - 1))
        }
    }

    /// Computes the sampled loss, accumulates the output layer's gradients and returns dL/dhidden.
    /// `gradientScale` multiplies every gradient (e.g. 1 / batch); masked rows contribute nothing.
    public static func loss(
        hidden: Tensor, output: Linear, targets: [Int], mask: [Float]? = nil, time: Int = 1,
        sampleCount K: Int, proposal: Proposal = .logUniform, rng: inout RandomGenerator, gradientScale: Float = 1
    ) -> (result: CrossEntropyResult, gradHidden: Tensor) {
        let N = hidden.rowCount, H = hidden.lastDimension, V = output.outputSize
        precondition(
            H == output.inputSize, "SampledSoftmax: hidden width \(H) ≠ output input size \(output.inputSize).")
        precondition(targets.count == N && (mask?.count ?? N) == N && N % time == 0)
        precondition(K >= 1)
        let samples = (0..<K).map { _ in draw(V, proposal, &rng) }
        let W = output.weight.value, bias = output.bias?.value
        // Gather the sampled rows of W: [K, H].
        let ws = Tensor(uninitialized: [K, H])
        for (c, k) in samples.enumerated() { (ws.data + c * H).update(from: W.data + k * H, count: H) }
        let logQs = samples.map { Float(Foundation.log(Double(K) * probability($0, V, proposal))) }
        // Candidate logits: column 0 = target, columns 1…K = samples. [N, K + 1].
        let logits = Tensor(zeros: [N, K + 1])
        let sampled = Tensor(zeros: [N, K])
        Tensor.gemm(hidden, ws, transposeB: true, into: sampled)
        var perSequence = [Double](repeating: 0, count: N / time)
        var tokens = 0.0
        let hp = hidden.data, lp = logits.data, sp = sampled.data
        for r in 0..<N {
            let w = mask?[r] ?? 1
            let row = lp + r * (K + 1)
            if w == 0 { continue }
            let t = targets[r]
            precondition(t >= 0 && t < V, "SampledSoftmax: target \(t) outside 0..<\(V).")
            var dot: Float = 0
            let h = hp + r * H, wt = W.data + t * H
            for j in 0..<H { dot += h[j] * wt[j] }
            row[0] = dot + (bias?.data[t] ?? 0)
            for c in 0..<K {
                let k = samples[c]
                row[c + 1] = k == t ? -.infinity : sp[r * K + c] + (bias?.data[k] ?? 0) - logQs[c]
            }
            // Softmax over the K + 1 candidates; the gradient overwrites the row.
            var m = row[0]
            for c in 1...K { m = max(m, row[c]) }
            let targetLogit = row[0]
            var s: Float = 0
            for c in 0...K { let e = Foundation.exp(row[c] - m); row[c] = e; s += e }
            // −log p(target) = (m − logit_target) + log s.
            perSequence[r / time] += Double(w) * (Double(m - targetLogit) + Double(Foundation.log(s)))
            tokens += Double(w)
            let k = w * gradientScale / s
            for c in 0...K { row[c] *= k }
            row[0] -= w * gradientScale
        }
        // Back-propagate: dhidden = d_target · w_t + d_sampled · W_S; dW and db for the touched rows.
        let dSampled = Tensor(uninitialized: [N, K])
        for r in 0..<N { (dSampled.data + r * K).update(from: lp + r * (K + 1) + 1, count: K) }
        let dHidden = Tensor(zeros: [N, H])
        Tensor.gemm(dSampled, ws, into: dHidden)
        let dWs = Tensor(zeros: [K, H])
        if output.weight.isTrainable { Tensor.gemm(dSampled, transposeA: true, hidden, into: dWs) }
        let gW = output.weight.gradient.data, gb = output.bias?.gradient.data
        let trainW = output.weight.isTrainable, trainB = output.bias?.isTrainable ?? false
        for r in 0..<N where (mask?[r] ?? 1) != 0 {
            let t = targets[r], d = lp[r * (K + 1)]
            let h = hp + r * H, wt = W.data + t * H, dh = dHidden.data + r * H
            for j in 0..<H { dh[j] += d * wt[j] }
            if trainW { let g = gW + t * H; for j in 0..<H { g[j] += d * h[j] } }
            if trainB { gb![t] += d }
        }
        for (c, k) in samples.enumerated() {
            if trainW { let g = gW + k * H, src = dWs.data + c * H; for j in 0..<H { g[j] += src[j] } }
            if trainB { var s: Float = 0; for r in 0..<N { s += dSampled.data[r * K + c] }; gb![k] += s }
        }
        let total = perSequence.reduce(0, +)
        return (
            CrossEntropyResult(perSequence: perSequence.map { Float($0) }, total: total, tokenCount: tokens), dHidden
        )
    }
}
