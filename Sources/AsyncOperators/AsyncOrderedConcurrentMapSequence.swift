/// Maps the elements of a base sequence concurrently — at most `maxConcurrency` transforms in
/// flight — and delivers the results in the base's order.
///
/// This is how chunks are tokenized on all cores while output stays byte-identical run to
/// run: chunk *n + k* may finish before chunk *n*, but it is delivered after it. Memory is
/// bounded by `maxConcurrency` pending results.
public struct AsyncOrderedConcurrentMapSequence<Base: AsyncSequence & Sendable, Output: Sendable>: AsyncSequence,
    Sendable
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
        @usableFromInline let inFlight = InFlightTasks<Output>()
        @usableFromInline var baseFinished = false

        @inlinable
        init(
            base: Base.AsyncIterator, maxConcurrency: Int,
            transform: @escaping @Sendable (Base.Element) async throws -> Output
        ) {
            self.base = base
            self.maxConcurrency = maxConcurrency
            self.transform = transform
        }

        @inlinable
        public mutating func next() async throws -> Output? {
            while !baseFinished && inFlight.count < maxConcurrency {
                guard let element = try await base.next() else {
                    baseFinished = true
                    break
                }
                let transform = self.transform
                // Detached: the transforms must not inherit the caller's actor (a command's
                // main actor would run them one at a time).
                inFlight.append(Task.detached { try await transform(element) })
            }
            guard let task = inFlight.popFirst() else { return nil }
            do {
                return try await task.value
            } catch {
                inFlight.cancelAll()
                throw error
            }
        }
    }
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
