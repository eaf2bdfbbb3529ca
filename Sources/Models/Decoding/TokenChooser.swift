import Foundation
import NeuralCore
import Support

/// Per-row token choice from log-probabilities `[V]` (kept in Double for stable sums).
enum TokenChooser {
    /// log-softmax of one row of logits (in Double).
    static func logSoftmax(_ x: UnsafePointer<Float>, _ V: Int) -> [Double] {
        var m = -Double.infinity
        for j in 0..<V { m = max(m, Double(x[j])) }
        var s = 0.0
        for j in 0..<V { s += Foundation.exp(Double(x[j]) - m) }
        let l = m + Foundation.log(s)
        return (0..<V).map { Double(x[$0]) - l }
    }

    /// The index of the largest value (first on ties).
    static func argmax(_ v: [Double]) -> Int {
        var best = 0
        for j in 1..<v.count where v[j] > v[best] { best = j }
        return best
    }

    /// The indices of the `k` largest values, largest first (ties: lower index first).
    static func top(_ v: [Double], _ k: Int) -> [Int] {
        let k = min(k, v.count)
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for j in 0..<v.count {
            if best.count == k, let last = best.last, v[j] <= v[last] { continue }
            var i = best.count
            while i > 0 && v[best[i - 1]] < v[j] { i -= 1 }
            best.insert(j, at: i)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// A draw from softmax(logProbabilities / temperature) over all tokens or the top K
    /// (one uniform draw; deterministic for a seeded generator). topK 1 is the argmax.
    static func sample(_ logp: [Double], temperature: Float, topK: Int?, rng: inout RandomGenerator) -> Int {
        precondition(temperature > 0, "Sampling temperature must be positive, got \(temperature).")
        let candidates = topK.map { top(logp, max(1, $0)) } ?? Array(0..<logp.count)
        let inv = 1 / Double(temperature)
        let m = candidates.map { logp[$0] }.max()!
        let weights = candidates.map { Foundation.exp((logp[$0] - m) * inv) }
        let u = Double(rng.nextUniform()) * weights.reduce(0, +)
        var cumulative = 0.0
        for (i, w) in weights.enumerated() {
            cumulative += w
            if u < cumulative { return candidates[i] }
        }
        return candidates[weights.lastIndex { $0 > 0 } ?? 0]
    }
}
