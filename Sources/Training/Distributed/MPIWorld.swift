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

    /// A ring over `MPI_Sendrecv`: at step k each process sends its right-hand neighbour the part
    /// it has summed k addends of and adds its left-hand neighbour's into its own copy of the
    /// next, so after size − 1 steps part `rank` holds every process's. Open MPI's
    /// `MPI_Reduce_scatter` copies the whole input into a buffer of its own and the result out of
    /// it, which on shared memory costs more than the exchange itself; the ring moves the same
    /// bytes and adds in place.
    public func reduceScatter(
        _ buffer: UnsafeMutableBufferPointer<Float>, counts: [Int], _ operation: ReductionOperation
    ) {
        precondition(
            counts.count == size && counts.reduce(0, +) <= buffer.count, "reduceScatter: a part for every process")
        guard let base = buffer.baseAddress else { return }
        var offsets = [0]
        for count in counts.dropLast() { offsets.append(offsets[offsets.count - 1] + count) }
        let largest = counts.max() ?? 0
        if scratch.count < largest {
            scratch.deallocate()
            scratch = .allocate(capacity: largest)
        }
        awaitAll()
        let (right, left) = ((rank + 1) % size, (rank + size - 1) % size)
        for step in 1..<size {
            let sent = (rank - step + size) % size, received = (rank - step - 1 + 2 * size) % size
            let incoming = UnsafeMutableBufferPointer(rebasing: scratch[..<counts[received]])
            MPISystemCalls.sendReceive(
                UnsafeBufferPointer(start: base + offsets[sent], count: counts[sent]), to: right, into: incoming,
                from: left, type: MPISystemCalls.floatType)
            Self.combine(base + offsets[received], incoming, operation)
        }
    }

    /// The ring's receive buffer (the largest part so far).
    private var scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)

    deinit { scratch.deallocate() }

    /// `part[i] = part[i] ∘ incoming[i]`, sixteen lanes at a time.
    private static func combine(
        _ part: UnsafeMutablePointer<Float>, _ incoming: UnsafeMutableBufferPointer<Float>,
        _ operation: ReductionOperation
    ) {
        let n = incoming.count
        let destination = UnsafeMutableRawPointer(part), source = UnsafeRawPointer(incoming.baseAddress!)
        var i = 0
        while i + 16 <= n {
            let a = destination.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            let b = source.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            let c: SIMD16<Float>
            switch operation {
            case .sum: c = a + b
            case .max: c = a.replacing(with: b, where: b .> a)
            case .min: c = a.replacing(with: b, where: b .< a)
            }
            destination.storeBytes(of: c, toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            let (a, b) = (part[i], incoming[i])
            switch operation {
            case .sum: part[i] = a + b
            case .max: part[i] = b > a ? b : a
            case .min: part[i] = b < a ? b : a
            }
            i += 1
        }
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
