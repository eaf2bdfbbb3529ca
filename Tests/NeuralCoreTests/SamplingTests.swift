import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct SamplingTests {
    @Test func softmaxAndLogSoftmax() {
        let logits = Tensor(shape: [2, 3], [1, 2, 3, 1000, 1000, -1000])
        let p = Sampling.softmax(logits)
        let z = exp(1.0) + exp(2.0) + exp(3.0)
        #expect(abs(Double(p[0, 2]) - exp(3.0) / z) < 1e-6)
        #expect(abs(p[1, 0] - 0.5) < 1e-6 && p[1, 2] < 1e-30)
        let lp = Sampling.logSoftmax(logits)
        #expect(abs(Double(lp[0, 0]) - (1 - log(z))) < 1e-5)
        #expect(abs(lp[1, 1] - Float(-log(2.0))) < 1e-5)
        // Low temperature sharpens towards the argmax.
        #expect(Sampling.softmax(logits, temperature: 0.01)[0, 2] > 0.999)
    }

    @Test func argmaxAndSampling() {
        let logits = Tensor(shape: [2, 4], [0, 5, 1, 5, -1, -2, -3, 0])
        #expect(Sampling.argmax(logits) == [1, 3])
        var rng = RandomGenerator(seed: 1)
        var counts = [0, 0, 0]
        let probs = Tensor(shape: [1, 3], [log(0.2), log(0.3), log(0.5)])
        for _ in 0..<20_000 { counts[Sampling.sample(probs, rng: &rng)[0]] += 1 }
        #expect(abs(Double(counts[0]) / 20_000 - 0.2) < 0.015)
        #expect(abs(Double(counts[2]) / 20_000 - 0.5) < 0.015)
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect(Sampling.sample(logits, rng: &a) == Sampling.sample(logits, rng: &b))
    }
}
