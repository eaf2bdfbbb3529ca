import Foundation

/// The processes of a data-parallel job (ranks 0..<size) and the collective operations training
/// needs: an element-wise reduction whose result every process receives (allreduce), one whose
/// result is cut into parts, one per process (reduce-scatter), and the gathering of every
/// process's part to all (allgather) — the last two are an allreduce in two halves, with the
/// optimiser's step between them (see ``DataParallel``).
///
/// Models knows nothing of MPI: Training's `MPIWorld` conforms over Open MPI, and tests can
/// conform with threads. Every process must call the same collectives in the same order with
/// the same counts; a failure to communicate ends the whole job (MPI's default error handler),
/// so the calls do not throw.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's index, 0 for the one that writes files.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces every element of `buffer` by the reduction over all processes of that element.
    func allreduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReductionOperation)
    /// Replaces every element of `buffer` by the reduction over all processes of that element.
    func allreduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReductionOperation)
    /// Reduces `buffer` over all processes in place, keeping this process's part of the result:
    /// `buffer` is cut into consecutive parts of `counts[r]` elements, one per process in rank
    /// order; on return part `rank` holds the reduction of that part over all processes, and the
    /// other parts are undefined (partial reductions, for instance).
    func reduceScatter(_ buffer: UnsafeMutableBufferPointer<Float>, counts: [Int], _ operation: ReductionOperation)
    /// Gives every process every process's part of `buffer`: `buffer` is cut into consecutive
    /// parts of `counts[r]` elements, one per process in rank order, and on return part r holds
    /// what process r had there.
    func allgather(_ buffer: UnsafeMutableBufferPointer<Float>, counts: [Int])
    /// Gives every process every process's part of `buffer` (as the `Float` form).
    func allgather(_ buffer: UnsafeMutableBufferPointer<Int32>, counts: [Int])
    /// Seconds this process has spent so far waiting for the others to arrive at reductions, when
    /// the group can tell (0 otherwise).
    var waitingSeconds: Double { get }
}

extension ProcessGroup {
    public var waitingSeconds: Double { 0 }

    /// `values` reduced over all processes.
    public func allreduce(_ values: [Double], _ operation: ReductionOperation) -> [Double] {
        var copy = values
        copy.withUnsafeMutableBufferPointer { allreduce($0, operation) }
        return copy
    }

    /// Whether every process passed the same `value` (one reduction of max and −min together).
    public func agree(on value: UInt64) -> Bool {
        // Two 32-bit halves are exact in a Double.
        let high = Double(value >> 32), low = Double(value & 0xFFFF_FFFF)
        let reduced = allreduce([high, low, -high, -low], .max)
        return reduced[0] == -reduced[2] && reduced[1] == -reduced[3]
    }

    /// Waits until every process has called it.
    public func barrier() { _ = allreduce([0], .sum) }
}

