import Testing

@testable import NeuralCore

@Suite struct ScheduleTests {
    @Test func constantAndStepDecay() {
        #expect(LearningRateSchedule.constant(0.1).rate(at: 100) == 0.1)
        let s = LearningRateSchedule.stepDecay(initial: 1, factor: 0.5, every: 2)
        #expect([0, 1, 2, 3, 4].map { s.rate(at: $0) } == [1, 1, 0.5, 0.5, 0.25])
    }

    @Test func reduceOnPlateau() {
        var p = ReduceOnPlateau(initialRate: 1, factor: 0.1, patience: 1, minimumRate: 0.005)
        #expect(p.observe(5) == 1)
        #expect(p.observe(4) == 1)  // improved
        #expect(p.observe(4) == 1)  // 1 bad ≤ patience
        #expect(abs(p.observe(4.5) - 0.1) < 1e-7)  // 2 bad > patience → reduce
        #expect(p.observe(3) == p.rate)  // improvement resets
        _ = p.observe(3); _ = p.observe(3)
        _ = p.observe(3); _ = p.observe(3)
        #expect(p.rate == 0.005)  // floored at the minimum
    }
}
