import Testing

@testable import Training

@Suite struct ReconstructionScoreTests {
    @Test func f1CountsTokensAsMultisets() {
        #expect(ReconstructionScore.f1([5, 6, 7], [5, 6, 7]) == 1)
        #expect(ReconstructionScore.f1([5, 6, 7], [7, 6, 5]) == 1, "order is ignored")
        #expect(ReconstructionScore.f1([5, 6, 7], [8, 9]) == 0)
        // "the the cat" vs "the dog": overlap 1 (one "the"), precision 1/2, recall 1/3 → F1 0.4.
        #expect(abs(ReconstructionScore.f1([5, 5, 6], [5, 7]) - 0.4) < 1e-12)
        #expect(ReconstructionScore.f1([], []) == 1)
        #expect(ReconstructionScore.f1([5], []) == 0)
        #expect(ReconstructionScore.mean([]) == nil)
        #expect(ReconstructionScore.mean([([5], [5]), ([5], [6])]) == 0.5)
    }
}
