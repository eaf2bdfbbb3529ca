import Foundation
import Models

/// The processes of an `mpirun` job (MPI_COMM_WORLD) as a ``ProcessGroup``: data-parallel
/// training across processes or machines.
///
/// Open MPI is loaded at run time (the CMPI shim), so one build runs with or without it:
/// ``join()`` returns nil when the process was not started by `mpirun` (nothing changes then),
/// and throws when it was but Open MPI cannot be loaded. ``versionLine`` says which case a
/// binary is in.
public final class MPIWorld: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// Seconds spent waiting for the other ranks to arrive at a reduction (included in the
    /// reductions' time that ``DataParallel`` counts; the rest is moving data).
    public private(set) var waitingSeconds = 0.0

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// The rank and size `mpirun` (Open MPI) announces in the environment, before MPI starts.
    public static func launch(environment: [String: String] = ProcessInfo.processInfo.environment) -> (
        rank: Int, size: Int
    )? {
        guard let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) else { return nil }
        return (environment["OMPI_COMM_WORLD_RANK"].flatMap(Int.init) ?? 0, size)
    }

    /// The job this process belongs to, with MPI initialised; nil when not launched by `mpirun`.
    /// - Throws: `TrainingError.mpi` when launched by `mpirun` but Open MPI cannot be loaded or
    ///   started.
    public static func join() throws -> MPIWorld? {
        guard launch() != nil else { return nil }
        let (rank, size) = try MPISystemCalls.initialize()
        return MPIWorld(rank: rank, size: size)
    }

    /// `MPI: …` for `--version` and `train`: the library and whether this process is a rank.
    public static var versionLine: String {
        guard let version = MPISystemCalls.libraryVersion() else {
            return "MPI: not available (\(MPISystemCalls.loadProblem ?? "unknown problem")); train runs in one process"
        }
        let name = version.split(separator: ",").first.map(String.init) ?? version
        if let (rank, size) = launch() { return "MPI: \(name) (\(MPISystemCalls.library)), rank \(rank) of \(size)" }
        return "MPI: \(name) (\(MPISystemCalls.library)), not launched by mpirun"
    }

    // Every reduction first waits for all ranks without polling (`MPISystemCalls.awaitAll`): one
    // rank often arrives long before the other (its slices were shorter; rank 0 was validating),
    // and Open MPI's blocking calls would spin on a core that rank needs. Then the blocking
    // reduction only moves data.

    public func allreduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReductionOperation) {
        awaitAll()
        MPISystemCalls.allreduceFloat(buffer, operation: Self.code(operation))
    }

    public func allreduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReductionOperation) {
        awaitAll()
        MPISystemCalls.allreduceDouble(buffer, operation: Self.code(operation))
    }

    public func reduceScatter(
        _ buffer: UnsafeBufferPointer<Float>, counts: [Int], into part: UnsafeMutableBufferPointer<Float>,
        _ operation: ReductionOperation
    ) {
        precondition(counts.count == size && part.count >= counts[rank], "reduceScatter: a part for every process")
        awaitAll()
        MPISystemCalls.reduceScatter(
            buffer, counts: counts, into: part, type: MPISystemCalls.floatType, operation: Self.code(operation))
    }

    public func allgather(_ buffer: UnsafeMutableBufferPointer<Float>, counts: [Int]) {
        precondition(counts.count == size, "allgather: a part for every process")
        awaitAll()
        MPISystemCalls.allgather(buffer, counts: counts, type: MPISystemCalls.floatType)
    }

    public func allgather(_ buffer: UnsafeMutableBufferPointer<Int32>, counts: [Int]) {
        precondition(counts.count == size, "allgather: a part for every process")
        awaitAll()
        MPISystemCalls.allgather(buffer, counts: counts, type: MPISystemCalls.int32Type)
    }

    private func awaitAll() {
        let start = ContinuousClock.now
        MPISystemCalls.awaitAll()
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        waitingSeconds += Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func code(_ operation: ReductionOperation) -> Int32 {
        switch operation {
        case .sum: MPISystemCalls.sumOperation
        case .max: MPISystemCalls.maxOperation
        case .min: MPISystemCalls.minOperation
        }
    }

    /// Ends every process of the job (MPI_Abort) after this one failed.
    public func abort(code: Int32 = 1) -> Never { MPISystemCalls.abort(code: code) }

    /// MPI_Finalize: call once, after the last collective call, on success.
    public func finalize() { MPISystemCalls.finalize() }
}
