/// Maps the elements of a base sequence concurrently — at most `maxConcurrency` transforms in
/// flight — and delivers the results in the base's order.
///
/// This is how chunks are tokenized on all cores while output stays byte-identical run to
/// run: chunk *n + k* may finish before chunk *n*, but it is delivered after it. Memory is
/// bounded by `maxConcurrency` pending results.
public struct AsyncOrderedConcurrentMapSequence<Base: AsyncSequence & Sendable, Output: Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
    public typealias Element = Output

    @usableFromInline let base: Base
    @usableFromInline let maxConcurrency: Int
    @usableFromInline let transform: @Sendable (Base.Element) async throws -> Output

    @inlinable
    init(base: Base, maxConcurrency: Int, transform: @escaping @Sendable (Base.Element) async throws -> Output) {
        precondition(maxConcurrency > 0, "maxConcurrency must be positive")
        self.base = base
        self.maxConcurrency = maxConcurrency
        self.transform = transform
    }

    @inlinable
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), maxConcurrency: maxConcurrency, transform: transform)
    }

    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline var base: Base.AsyncIterator
        @usableFromInline let maxConcurrency: Int
        @usableFromInline let transform: @Sendable (Base.Element) async throws -> Output
        @usableFromInline var inFlight: [Task<Output, any Error>] = []
        @usableFromInline var head = 0
        @usableFromInline var baseFinished = false
        @usableFromInline let cancelOnDeinit = TaskCanceller()

        @inlinable
        init(base: Base.AsyncIterator, maxConcurrency: Int, transform: @escaping @Sendable (Base.Element) async throws -> Output) {
            self.base = base
            self.maxConcurrency = maxConcurrency
            self.transform = transform
        }

        @inlinable
        public mutating func next() async throws -> Output? {
            while !baseFinished && inFlight.count - head < maxConcurrency {
                guard let element = try await base.next() else {
                    baseFinished = true
                    break
                }
                let transform = self.transform
                let task = Task { try await transform(element) }
                inFlight.append(task)
                cancelOnDeinit.track(task)
            }
            guard head < inFlight.count else { return nil }
            let task = inFlight[head]
            head += 1
            if head > 64 {
                inFlight.removeFirst(head)
                head = 0
            }
            do {
                return try await task.value
            } catch {
                cancelOnDeinit.cancelAll()
                throw error
            }
        }
    }
}

/// Cancels the transforms still running when the consumer stops early.
public final class TaskCanceller: @unchecked Sendable {
    // @unchecked: `cancels` is only touched by the single iterator that owns this object.
    @usableFromInline var cancels: [@Sendable () -> Void] = []

    @usableFromInline init() {}

    @usableFromInline func track<T>(_ task: Task<T, any Error>) {
        if cancels.count > 256 { cancels.removeFirst(128) }  // finished long ago
        cancels.append { task.cancel() }
    }

    @usableFromInline func cancelAll() {
        for cancel in cancels { cancel() }
        cancels.removeAll()
    }

    deinit { cancelAll() }
}

extension AsyncSequence where Self: Sendable, Element: Sendable {
    /// Transforms elements concurrently (at most `maxConcurrency` at once), in order.
    @inlinable
    public func orderedConcurrentMap<Output: Sendable>(
        maxConcurrency: Int, _ transform: @escaping @Sendable (Element) async throws -> Output
    ) -> AsyncOrderedConcurrentMapSequence<Self, Output> {
        AsyncOrderedConcurrentMapSequence(base: self, maxConcurrency: maxConcurrency, transform: transform)
    }
}
