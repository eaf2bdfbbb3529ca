import Foundation

/// How many threads NeuralCore's own loops may fork from the calling thread.
///
/// Loops that split work by rows (the fused softmax cross-entropy) give the same bits on any
/// number of threads, so they use the machine's cores. Work that already runs as one of several
/// concurrent slices (data-parallel replicas) runs inside ``serially(_:)`` so that it does not
/// fork again.
public enum Parallelism {
    @TaskLocal static var isSerial = false

    /// The threads a loop started on this thread may use: the active cores, or 1 inside
    /// ``serially(_:)``.
    public static var width: Int { isSerial ? 1 : ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body` with ``width`` 1 on this thread.
    public static func serially<T>(_ body: () throws -> T) rethrows -> T {
        try $isSerial.withValue(true, operation: body)
    }
}
