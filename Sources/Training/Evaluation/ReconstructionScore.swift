import Models
import NeuralCore
import Support

/// How much of a sequence its reconstruction keeps: token F1 between the input's tokens and the
/// tokens decoded greedily from its posterior mean, as multisets (order ignored, repeats counted
/// once per occurrence). 1 is a perfect reconstruction; a model that ignores its input scores
/// little more than the share of its most frequent words.
public enum ReconstructionScore {
    /// Sequences scored in the run's summary, `eval` and the report.
    public static let sentences = 200

    /// F1 of one pair (0 when either side is empty and the other is not; 1 when both are).
    public static func f1(_ input: [Int32], _ output: [Int32]) -> Double {
        if input.isEmpty && output.isEmpty { return 1 }
        guard !input.isEmpty, !output.isEmpty else { return 0 }
        var counts: [Int32: Int] = [:]
        for id in input { counts[id, default: 0] += 1 }
        var overlap = 0
        for id in output where (counts[id] ?? 0) > 0 {
            overlap += 1
            counts[id]! -= 1
        }
        guard overlap > 0 else { return 0 }
        let precision = Double(overlap) / Double(output.count), recall = Double(overlap) / Double(input.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// The mean F1 of inputs against their decodings, on content tokens only (`<pad>`, `<bos>`
    /// and `<eos>` left out; `<unk>` kept, since decoding it is a real miss or hit).
    public static func mean(inputs: [[Int32]], decoded: [[Int32]]) -> Double? {
        let content: ([Int32]) -> [Int32] = { $0.filter { $0 > 3 || $0 == 1 } }
        return mean(zip(inputs, decoded).map { (content($0), content($1)) })
    }

    /// The mean F1 over pairs.
    public static func mean(_ pairs: [([Int32], [Int32])]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        return pairs.reduce(0.0) { $0 + f1($1.0, $1.1) } / Double(pairs.count)
    }
}

extension ModelShowcase {
    /// Mean token F1 of `sequences` against their greedy reconstructions from the posterior
    /// means; nil for a model without a sentence latent. End and start markers do not count.
    public func reconstructionF1(of sequences: [[Int32]], rng: inout RandomGenerator) -> Double? {
        guard let latentModel, !sequences.isEmpty else { return nil }
        let tensor = Tensor(shape: [sequences.count, latentModel.latentWidth], means(of: sequences).flatMap { $0 })
        let decoded = latentModel.decode(tensor, strategy: .greedy, maxLength: defaultLength, rng: &rng)
        return ReconstructionScore.mean(inputs: sequences, decoded: decoded)
    }
}
