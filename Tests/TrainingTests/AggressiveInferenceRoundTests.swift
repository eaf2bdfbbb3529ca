import Models
import Testing

@testable import Training

@Suite struct AggressiveInferenceRoundTests {
    static let batch = TokenBatch(sentences: [[4, 5]])

    static func metrics(_ lossPerTarget: Double) -> StepMetrics {
        StepMetrics(loss: lossPerTarget * 10, reconstruction: 0, kl: 0, tokens: 10, sentences: 1)
    }

    @Test func aRoundEndsAfterItsLargestNumberOfUpdates() {
        var round = AggressiveInferenceRound(
            firstBatch: Self.batch, settings: .init(maxEncoderUpdates: 7, checkEvery: 3))
        var ended = 0
        for i in 1...7 where round.recordEncoderUpdate(Self.metrics(10 - Double(i))) { ended = i }
        #expect(ended == 7 && round.updates == 7)
    }

    @Test func aRoundEndsAtTheFirstCheckWhoseMeanLossRose() {
        var round = AggressiveInferenceRound(
            firstBatch: Self.batch, settings: .init(maxEncoderUpdates: 100, checkEvery: 2))
        let losses: [Double] = [5, 5, 4, 4, 3, 3.5, 3.6, 3.6]  // means per check: 5, 4, 3.25, 3.6 (rose)
        var endedAt: Int?
        for (i, loss) in losses.enumerated() where endedAt == nil && round.recordEncoderUpdate(Self.metrics(loss)) {
            endedAt = i + 1
        }
        #expect(endedAt == 8)
    }
}
