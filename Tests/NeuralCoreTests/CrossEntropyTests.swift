import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct CrossEntropyTests {
    /// Reference: Double log-softmax.
    func referenceLoss(_ logits: [Float], _ target: Int) -> Double {
        let m = Double(logits.max()!)
        let z = logits.reduce(0.0) { $0 + exp(Double($1) - m) }
        return m + log(z) - Double(logits[target])
    }

    @Test func lossesSumsAndGradientAgainstReference() {
        var rng = RandomGenerator(seed: 1)
        let (B, T, V) = (2, 3, 7)
        let logits = Tensor.normal([B * T, V], std: 2, rng: &rng)
        let original = logits.copy()
        let targets = [1, 6, 0, 3, 3, 2]
        let mask: [Float] = [1, 1, 0, 1, 1, 1]
        let scale: Float = 0.5
        let r = softmaxCrossEntropy(logits: logits, targets: targets, mask: mask, time: T, gradientScale: scale)
        var perSeq = [0.0, 0.0]
        for row in 0..<(B * T) where mask[row] != 0 {
            perSeq[row / T] += referenceLoss(Array(original.scalars[(row * V)..<((row + 1) * V)]), targets[row])
        }
        #expect(abs(Double(r.perSequence[0]) - perSeq[0]) < 1e-4 && abs(Double(r.perSequence[1]) - perSeq[1]) < 1e-4)
        #expect(r.tokenCount == 5)
        #expect(abs(r.total - perSeq.reduce(0, +)) < 1e-4)
        #expect(abs(Double(r.meanPerToken) - (perSeq[0] + perSeq[1]) / 5) < 1e-5)
        // The gradient (written over the logits) matches central differences of scale · Σ loss.
        let x = original.copy()
        expectGradient("logits", of: x, analytic: logits, maxChecks: 42) {
            Double(scale) * softmaxCrossEntropy(logits: x.copy(), targets: targets, mask: mask, time: T).total
        }
        // Masked rows get exactly zero gradient; each unmasked row's gradient sums to zero.
        #expect(logits.scalars[(2 * V)..<(3 * V)].allSatisfy { $0 == 0 })
        for row in 0..<(B * T) {
            let s = logits.scalars[(row * V)..<((row + 1) * V)].reduce(0, +)
            #expect(abs(s) < 1e-6)
        }
    }

    @Test func stableForHugeLogits() {
        let logits = Tensor(shape: [2, 3], [1000, -1000, 0, -5e4, -5e4, -5e4])
        let r = softmaxCrossEntropy(logits: logits, targets: [0, 2])
        #expect(r.total.isFinite && logits.isFinite)
        #expect(abs(r.perSequence[0]) < 1e-6)
        #expect(abs(Double(r.perSequence[1]) - log(3.0)) < 1e-4)
    }

    @Test func maskedRowsIgnoreTheirTargets() {
        // A masked row may carry an out-of-vocabulary target (padding id) without failing.
        let logits = Tensor(shape: [2, 2], [1, 2, 3, 4])
        let r = softmaxCrossEntropy(logits: logits, targets: [1, -1], mask: [1, 0], time: 2)
        #expect(r.perSequence.count == 1 && r.tokenCount == 1)
    }

    /// Inputs of a million logits or more are split over two threads when GEMMs may use two; the
    /// split must change nothing: same per-row losses (in the same order of summation), same
    /// gradient bits, and losses that match the Double reference.
    @Test func twoThreadSplitChangesNothing() {
        var rng = RandomGenerator(seed: 4)
        let (rows, V, T) = (300, 4001, 3)
        let original = Tensor.normal([rows, V], std: 3, rng: &rng)
        let targets = (0..<rows).map { _ in rng.nextInt(below: V) }
        let mask = (0..<rows).map { $0 % 7 == 3 ? Float(0) : 1 }
        let one = original.copy()
        let r1 = Parallelism.serially {
            softmaxCrossEntropy(logits: one, targets: targets, mask: mask, time: T, gradientScale: 0.25)
        }
        #expect(ProcessInfo.processInfo.activeProcessorCount == 1 || Parallelism.width > 1)
        let two = original.copy()
        let r2 = softmaxCrossEntropy(logits: two, targets: targets, mask: mask, time: T, gradientScale: 0.25)
        #expect(r1.perSequence == r2.perSequence && r1.total == r2.total && r1.tokenCount == r2.tokenCount)
        #expect(one.scalars == two.scalars)
        var reference = 0.0
        for row in 0..<rows where mask[row] != 0 {
            reference += referenceLoss(Array(original.scalars[(row * V)..<((row + 1) * V)]), targets[row])
        }
        #expect(abs(r2.total - reference) < 1e-6 * reference)
    }
}
