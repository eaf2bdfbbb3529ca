import Foundation
import Support

/// The result of `softmaxCrossEntropy`.
public struct CrossEntropyResult: Sendable {
    /// −log p(target) summed over the unmasked tokens of each sequence (`[batch]`).
    public let perSequence: [Float]
    /// Σ over all unmasked tokens (accumulated in Double).
    public let total: Double
    /// The number of unmasked tokens (Σ mask weights).
    public let tokenCount: Double
    /// `total / tokenCount` (0 when there are no tokens).
    public var meanPerToken: Float { tokenCount > 0 ? Float(total / tokenCount) : 0 }
}

/// Fused, masked softmax cross-entropy over `logits [batch·time, vocab]`.
///
/// One row at a time (the row stays in cache): a max pass, a pass writing exp(x − max) in place
/// and summing it, and a pass writing the gradient
/// `(softmax − onehot(target)) · mask · gradientScale` over the logits. **The logits buffer is
/// overwritten by the gradient** — no extra allocation for 1,500 × 12,001 floats.
///
/// - Parameters:
///   - logits: `[rows, vocab]`, rows ordered `[batch, time]` (row r belongs to sequence r / time).
///   - targets: `rows` class indices; entries of masked rows are ignored (may be any value).
///   - mask: `rows` weights (1 real, 0 padding); nil means all 1.
///   - time: steps per sequence, for `perSequence` (default: every row its own sequence).
///   - gradientScale: multiplies the gradient, e.g. `1 / batch` for a per-sequence mean loss.
/// - Returns: the per-sequence sums, total and token count. Masked rows get a zero gradient.
@discardableResult
public func softmaxCrossEntropy(
    logits: Tensor, targets: [Int], mask: [Float]? = nil, time: Int = 1, gradientScale: Float = 1
) -> CrossEntropyResult {
    let rows = logits.rowCount, V = logits.lastDimension
    precondition(targets.count == rows, "softmaxCrossEntropy: \(targets.count) targets for \(rows) rows.")
    if let mask {
        precondition(mask.count == rows, "softmaxCrossEntropy: \(mask.count) mask entries for \(rows) rows.")
    }
    precondition(time >= 1 && rows % time == 0, "softmaxCrossEntropy: \(rows) rows are not a multiple of time \(time).")
    for r in 0..<rows where (mask?[r] ?? 1) != 0 {
        precondition(targets[r] >= 0 && targets[r] < V, "softmaxCrossEntropy: target \(targets[r]) outside 0..<\(V).")
    }
    // Rows are independent, so large inputs are split by rows over the cores this thread may use
    // (one inside data-parallel training, which already runs one of these per core). Losses are
    // kept per row and summed in order afterwards, so the split changes no result.
    var rowLoss = [Double](repeating: 0, count: rows)
    let base = logits.data
    rowLoss.withUnsafeMutableBufferPointer { losses in
        let lossBase = losses.baseAddress!
        targets.withUnsafeBufferPointer { targetBuffer in
            let targetBase = targetBuffer.baseAddress!
            let work = { (first: Int, count: Int) in
                for r in first..<(first + count) {
                    let x = base + r * V
                    let w = mask?[r] ?? 1
                    if w == 0 { x.update(repeating: 0, count: V); continue }
                    let target = targetBase[r]
                    let m = fastMax(x, V)
                    let targetLogit = x[target]
                    for j in 0..<V { x[j] = fastExp(x[j] - m) }
                    let s = fastSum(x, V)
                    // (m − x_target) first: subtracting two large logits is exact where m + log s is not.
                    lossBase[r] = Double(w) * (Double(m - targetLogit) + Double(Foundation.log(s)))
                    let k = w * gradientScale / s
                    for j in 0..<V { x[j] *= k }
                    x[target] -= w * gradientScale
                }
            }
            if rows * V >= 1 << 20 {
                Parallelism.forEachRange(of: rows) { range in work(range.lowerBound, range.count) }
            } else {
                work(0, rows)
            }
        }
    }
    var perSequence = [Double](repeating: 0, count: rows / time)
    var tokens = 0.0
    for r in 0..<rows {
        let w = mask?[r] ?? 1
        guard w != 0 else { continue }
        perSequence[r / time] += rowLoss[r]
        tokens += Double(w)
    }
    let total = perSequence.reduce(0, +)
    return CrossEntropyResult(perSequence: perSequence.map { Float($0) }, total: total, tokenCount: tokens)
}

/// −log softmax(row)[target] for every row of `logits [rows, vocab]`, without a gradient and
/// without touching the logits (evaluation). Rows are split over the cores this thread may use;
/// each row's loss is computed on its own, so the split changes no result.
public func softmaxNegativeLogLikelihood(logits: Tensor, targets: [Int]) -> [Double] {
    let rows = logits.rowCount, V = logits.lastDimension
    precondition(targets.count == rows, "softmaxNegativeLogLikelihood: \(targets.count) targets for \(rows) rows.")
    for t in targets {
        precondition(t >= 0 && t < V, "softmaxNegativeLogLikelihood: target \(t) outside 0..<\(V).")
    }
    var losses = [Double](repeating: 0, count: rows)
    guard rows > 0, V > 0 else { return losses }
    let isa = Kernels.instructionSet
    let base = UnsafePointer(logits.data)
    losses.withUnsafeMutableBufferPointer { out in
        let lossBase = out.baseAddress!
        targets.withUnsafeBufferPointer { t in
            let targetBase = t.baseAddress!
            let work = { (first: Int, count: Int) in
                Kernels.softmaxNLL(
                    isa: isa, rows: count, v: V, logits: base + first * V, ld: V, targets: targetBase + first,
                    into: lossBase + first)
            }
            if rows * V >= 1 << 20 {
                Parallelism.forEachRange(of: rows) { range in work(range.lowerBound, range.count) }
            } else {
                work(0, rows)
            }
        }
    }
    return losses
}
