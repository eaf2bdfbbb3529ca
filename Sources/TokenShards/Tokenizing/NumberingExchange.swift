import Foundation
import Synchronization

/// Where the consumer leaves the latest ``NumberingSnapshot`` for the workers of one
/// ``ChunkTokenizer``. Chunks carry a reference to it, so that ``ProvisionalNumbering/absorb(_:)``
/// can publish without the caller wiring the two together.
final class NumberingExchange: @unchecked Sendable {
    // @unchecked: `latest` is guarded by `lock`.
    private let lock = NSLock()
    private var latest: NumberingSnapshot?

    var snapshot: NumberingSnapshot? {
        lock.lock()
        defer { lock.unlock() }
        return latest
    }

    func publish(_ snapshot: NumberingSnapshot) {
        lock.lock()
        latest = snapshot
        lock.unlock()
    }
}
