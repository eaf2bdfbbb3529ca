import Foundation

/// A bounded first-in-first-out hand-over from one producer *thread* to one async consumer.
///
/// The producer is a plain thread doing blocking I/O and decompression (blocking the Swift
/// concurrency pool with it would starve the other core), so it blocks on a condition when
/// the buffer is full — that is the back-pressure. The consumer awaits; it is resumed by the
/// producer's next send. The lock is held only to move one element.
package final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private var buffer: [Element] = []
    private var head = 0
    private let capacity: Int
    private var waitingConsumer: CheckedContinuation<Element?, Never>?
    private var isFinished = false
    private var isCancelled = false

    package init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// Blocks the calling thread while the buffer is full. Returns `false` once the consumer
    /// has gone away, so the producer can stop.
    func send(_ element: Element) -> Bool {
        condition.lock()
        while buffer.count - head >= capacity && !isCancelled {
            condition.wait()
        }
        if isCancelled {
            condition.unlock()
            return false
        }
        if let consumer = waitingConsumer {
            waitingConsumer = nil
            condition.unlock()
            consumer.resume(returning: element)
            return true
        }
        buffer.append(element)
        condition.unlock()
        return true
    }

    /// No more elements will be sent; the consumer receives `nil` after the buffered ones.
    func finish() {
        condition.lock()
        isFinished = true
        let consumer = waitingConsumer
        waitingConsumer = nil
        condition.unlock()
        consumer?.resume(returning: nil)
    }

    /// The consumer stopped: wake a blocked producer so it can exit, drop buffered elements.
    func cancel() {
        condition.lock()
        isCancelled = true
        buffer.removeAll()
        head = 0
        let consumer = waitingConsumer
        waitingConsumer = nil
        condition.broadcast()
        condition.unlock()
        consumer?.resume(returning: nil)
    }

    /// The next element, or `nil` when the producer finished (or the channel was cancelled).
    package func receive() async -> Element? {
        switch poll() {
        case let .element(element): return element
        case .end: return nil
        case .empty: break
        }
        return await withCheckedContinuation { continuation in
            condition.lock()
            if let element = popLocked() {
                condition.unlock()
                continuation.resume(returning: element)
            } else if isFinished || isCancelled {
                condition.unlock()
                continuation.resume(returning: nil)
            } else {
                waitingConsumer = continuation
                condition.unlock()
            }
        }
    }

    private enum Poll { case element(Element), end, empty }

    /// Takes an element without suspending, the common case when the producer is ahead.
    private func poll() -> Poll {
        condition.lock()
        defer { condition.unlock() }
        if let element = popLocked() { return .element(element) }
        if isFinished || isCancelled { return .end }
        return .empty
    }

    private func popLocked() -> Element? {
        guard head < buffer.count else { return nil }
        let element = buffer[head]
        head += 1
        if head == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.signal()
        return element
    }
}
