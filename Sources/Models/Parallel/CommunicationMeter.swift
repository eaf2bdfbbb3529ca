import Foundation

/// Times the collective calls of data-parallel training and counts their bytes
/// (``CommunicationStatistics``, which ``BatchTrainer/communication`` reports).
final class CommunicationMeter: @unchecked Sendable {
    let group: any ProcessGroup
    private(set) var statistics = CommunicationStatistics()

    init(group: any ProcessGroup) { self.group = group }

    /// Runs the collective call `body`, which puts `bytes` of this process's into it.
    @discardableResult
    func measure<T>(bytes: Int, _ body: () -> T) -> T {
        let start = ContinuousClock.now
        let waited = group.waitingSeconds
        let result = body()
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        statistics.seconds += Double(seconds) + Double(attoseconds) / 1e18
        statistics.waitingSeconds += group.waitingSeconds - waited
        statistics.bytes += bytes
        return result
    }

    /// Counts a step that communicated.
    func countStep() { statistics.steps += 1 }
}
