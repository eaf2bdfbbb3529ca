import Foundation
import Testing

@testable import NeuralCore

@Suite struct LearningRateDecayTests {
    @Test func linearHoldsThenFallsInAStraightLine() {
        let decay = LearningRateDecay(shape: .linear, after: 0.25, final: 0.2)
        #expect(decay.factor(atProgress: 0) == 1)
        #expect(decay.factor(atProgress: 0.25) == 1)
        #expect(abs(decay.factor(atProgress: 0.625) - 0.6) < 1e-12)
        #expect(abs(decay.factor(atProgress: 1) - 0.2) < 1e-12)
        // Past the budget (a resumed run with a smaller budget) it stays at the final share.
        #expect(abs(decay.factor(atProgress: 3) - 0.2) < 1e-12)
        #expect(decay.factor(atProgress: -1) == 1)
    }

    @Test func cosineFallsSlowlyAtBothEnds() {
        let decay = LearningRateDecay(shape: .cosine, after: 0, final: 0)
        #expect(abs(decay.factor(atProgress: 0.5) - 0.5) < 1e-12)
        #expect(decay.factor(atProgress: 0.1) > 1 - 0.1)
        #expect(decay.factor(atProgress: 0.9) < 0.1)
        #expect(abs(decay.factor(atProgress: 1)) < 1e-12)
        var previous = 1.0
        for i in 1...100 {
            let f = decay.factor(atProgress: Double(i) / 100)
            #expect(f <= previous)
            previous = f
        }
    }
}
