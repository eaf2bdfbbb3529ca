/// The transforms started and not yet delivered, oldest first. Delivered tasks are released at
/// once (a finished task keeps its result alive); the rest are cancelled when the consumer
/// stops early and the iterator goes away.
public final class InFlightTasks<Output: Sendable> {
    @usableFromInline var tasks: [Task<Output, any Error>] = []
    @usableFromInline var head = 0

    @usableFromInline init() {}

    @usableFromInline var count: Int { tasks.count - head }

    @usableFromInline func append(_ task: Task<Output, any Error>) { tasks.append(task) }

    @usableFromInline func popFirst() -> Task<Output, any Error>? {
        guard head < tasks.count else { return nil }
        let task = tasks[head]
        head += 1
        if head >= 32 {
            tasks.removeFirst(head)
            head = 0
        }
        return task
    }

    @usableFromInline func cancelAll() {
        for task in tasks[head...] { task.cancel() }
        tasks.removeAll()
        head = 0
    }

    deinit { cancelAll() }
}
