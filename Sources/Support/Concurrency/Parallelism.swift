import Foundation

/// How many threads a loop may fork from the calling thread, and the loops that fork them.
///
/// Loops whose parts are independent (rows of a loss, elements of an optimiser step, parts of a
/// file) give the same bits on any number of threads, so they use the machine's cores. Work
/// that already runs as one of several concurrent slices (data-parallel replicas) runs inside
/// ``serially(_:)`` so that it does not fork again.
public enum Parallelism {
    @TaskLocal static var isSerial = false

    /// The threads a loop started on this thread may use: the active cores, or 1 inside
    /// ``serially(_:)``.
    public static var width: Int { isSerial ? 1 : cores }

    /// This process's share of the machine's active cores, read once: Foundation reads them from
    /// the system (cgroup and sysfs files) on every call, and the loops below ask for every
    /// parameter and row range.
    private static let cores = coresPerProcess(
        active: ProcessInfo.processInfo.activeProcessorCount, environment: ProcessInfo.processInfo.environment)

    /// The cores of one process when a launcher started several on this machine: under `mpirun`
    /// (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`, MPICH's `MPI_LOCALNRANKS`) each rank's loops
    /// would otherwise fork a thread per core, and the ranks would fight over every core. At
    /// least one.
    package static func coresPerProcess(active: Int, environment: [String: String]) -> Int {
        let local = ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"].lazy
            .compactMap { environment[$0].flatMap { Int($0) } }.first { $0 > 0 }
        return max(1, active / (local ?? 1))
    }

    /// Runs `body` with ``width`` 1 on this thread.
    public static func serially<T>(_ body: () throws -> T) rethrows -> T {
        try $isSerial.withValue(true, operation: body)
    }

    /// Calls `body(part)` for every part in `0..<parts`, all at once on as many threads (one
    /// after another on this thread inside ``serially(_:)``). The parts must touch disjoint data.
    public static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, !isSerial else {
            for part in 0..<parts { body(part) }
            return
        }
        // The parts touch disjoint data; the box only tells the compiler so.
        withoutActuallyEscaping(body) { escapable in
            let work = ConcurrentWork(run: escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { work.run($0) }
        }
    }

    /// Calls `body(range)` for ranges that cover `0..<count` in order, one per thread of
    /// ``width`` (at most one per `minimumLength` elements), every boundary a multiple of
    /// `alignment`. The ranges must touch disjoint data.
    public static func forEachRange(
        of count: Int, minimumLength: Int = 1, alignment: Int = 1,
        _ body: (Range<Int>) -> Void
    ) {
        let most = count / max(1, minimumLength)
        let parts = most > 1 ? min(width, most) : 1
        guard parts > 1 else {
            body(0..<count)
            return
        }
        // Part p starts at the multiple of `alignment` at or after count·p/parts.
        func boundary(_ part: Int) -> Int {
            part == parts ? count : min(count, (count * part / parts + alignment - 1) / alignment * alignment)
        }
        forEachPart(parts) { part in body(boundary(part)..<boundary(part + 1)) }
    }

    /// `body(i)` for every i in `0..<count`, each on its own thread and run ``serially(_:)``
    /// there; the results in order of i.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        let results = UnsafeMutablePointer<T>.allocate(capacity: count)
        defer { results.deallocate() }
        forEachPart(count) { i in (results + i).initialize(to: serially { body(i) }) }
        let array = Array(UnsafeBufferPointer(start: results, count: count))
        results.deinitialize(count: count)
        return array
    }
}

/// A closure run by several threads at once on disjoint data.
private struct ConcurrentWork: @unchecked Sendable { let run: (Int) -> Void }
