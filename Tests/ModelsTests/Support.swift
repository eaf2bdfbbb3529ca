import NeuralCore
import Support
import Testing

@testable import Models

/// Central-difference gradient check in Float32 (as NeuralCore's tests): each checked element is
/// perturbed by ±eps and the Double-reduced loss re-evaluated; passes when
/// |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|). Returns the number of checks.
@discardableResult
func expectGradient(
    _ label: String, of tensor: Tensor, analytic: Tensor, eps: Float = 1e-2, rtol: Float = 2e-2, atol: Float = 2e-3,
    maxChecks: Int = 10, from first: Int = 0, sourceLocation: SourceLocation = #_sourceLocation,
    loss: () -> Double
) -> Int {
    let n = tensor.count
    let stride = max(1, (n - first) / maxChecks)
    var failures: [String] = []
    var checks = 0
    for i in Swift.stride(from: first, to: n, by: stride) {
        let saved = tensor.data[i]
        tensor.data[i] = saved + eps
        let plus = loss()
        tensor.data[i] = saved - eps
        let minus = loss()
        tensor.data[i] = saved
        let numeric = Float((plus - minus) / Double(2 * eps))
        let a = analytic.data[i]
        checks += 1
        if abs(a - numeric) > atol + rtol * max(abs(a), abs(numeric)) { failures.append("[\(i)] \(a) vs \(numeric)") }
    }
    #expect(failures.isEmpty, "\(label): analytic vs numeric \(failures.prefix(4))", sourceLocation: sourceLocation)
    return checks
}

/// A random batch of `B` sentences with lengths in 1…T over ids 4..<V (no specials).
func randomBatch(B: Int, T: Int, V: Int, seed: UInt64, lengths: [Int]? = nil) -> TokenBatch {
    var rng = RandomGenerator(seed: seed)
    let lens = lengths ?? (0..<B).map { _ in 1 + rng.nextInt(below: T) }
    let sentences = lens.map { n in (0..<n).map { _ in Int32(4 + rng.nextInt(below: V - 4)) } }
    return TokenBatch(sentences: sentences, time: T)
}

/// Twenty short sentences (public-domain style) for the overfitting test, with a word vocabulary.
enum TinyCorpus {
    static let sentences = [
        "the cat sat on the mat", "a dog ran in the park", "she reads a good book", "we walk to school",
        "the sun is hot today", "he likes green tea", "birds sing in the morning", "the river is wide",
        "my friend plays the piano", "they built a small house", "rain fell all night", "the old man smiled",
        "children play in the snow", "i bake bread on sunday", "the train left early", "a red car stopped",
        "she painted the door blue", "we ate rice and fish", "the moon was bright", "he wrote a long letter"
    ]

    /// (batch, vocabulary size, words by id)
    static func batch() -> (TokenBatch, Int, [String]) {
        var words = ["<pad>", "<unk>", "<bos>", "<eos>"]
        var index: [String: Int32] = [:]
        var ids: [[Int32]] = []
        for s in sentences {
            ids.append(
                s.split(separator: " ").map { w in
                    let w = String(w)
                    if let i = index[w] { return i }
                    index[w] = Int32(words.count)
                    words.append(w)
                    return index[w]!
                })
        }
        return (TokenBatch(sentences: ids), words.count, words)
    }
}
