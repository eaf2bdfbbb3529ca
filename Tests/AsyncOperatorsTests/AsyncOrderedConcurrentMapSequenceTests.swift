import Foundation
import Testing

@testable import AsyncOperators

@Suite struct AsyncOrderedConcurrentMapSequenceTests {
    struct Numbers: AsyncSequence, Sendable {
        let count: Int
        struct Iterator: AsyncIteratorProtocol {
            var next = 0
            let count: Int
            mutating func next() async -> Int? {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }
        func makeAsyncIterator() -> Iterator { Iterator(count: count) }
    }

    @Test func deliversInInputOrderWhateverTheFinishingOrder() async throws {
        let mapped = Numbers(count: 200).orderedConcurrentMap(maxConcurrency: 4) { value in
            // Later elements often finish first.
            try await Task.sleep(nanoseconds: UInt64((200 - value) % 7) * 200_000)
            return value * value
        }
        var results: [Int] = []
        for try await value in mapped { results.append(value) }
        #expect(results == (0..<200).map { $0 * $0 })
    }

    @Test func neverRunsMoreThanTheLimitAtOnce() async throws {
        let counter = ConcurrencyCounter()
        let mapped = Numbers(count: 100).orderedConcurrentMap(maxConcurrency: 3) { value in
            counter.enter()
            try await Task.sleep(nanoseconds: 300_000)
            counter.leave()
            return value
        }
        var total = 0
        for try await _ in mapped { total += 1 }
        #expect(total == 100)
        #expect(counter.maximum <= 3)
        #expect(counter.maximum >= 2)
    }

    @Test func anErrorIsDeliveredInOrder() async throws {
        struct Boom: Error {}
        let mapped = Numbers(count: 50).orderedConcurrentMap(maxConcurrency: 4) { value in
            if value == 10 { throw Boom() }
            return value
        }
        var results: [Int] = []
        await #expect(throws: Boom.self) {
            for try await value in mapped { results.append(value) }
        }
        #expect(results == Array(0..<10))
    }
}

final class ConcurrencyCounter: @unchecked Sendable {
    private let lock = NSLockLike()
    private var current = 0
    private(set) var maximum = 0
    func enter() {
        lock.withLock {
            current += 1; maximum = max(maximum, current)
        }
    }
    func leave() { lock.withLock { current -= 1 } }
}

typealias NSLockLike = NSLock
