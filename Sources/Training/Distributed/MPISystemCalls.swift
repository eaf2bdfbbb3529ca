import CMPI
import Foundation

/// The one place where Training calls Open MPI (the CMPI shim, which loads `libmpi.so.40` with
/// `dlopen`; see its header for why nothing is linked). No C type leaves this file.
enum MPISystemCalls {
    /// The library loaded: `VAE_PIPELINE_LIBMPI` (a path or soname, for an Open MPI 4 outside the
    /// linker's search path) or Debian's `libmpi.so.40`.
    static let library: String = {
        let chosen = ProcessInfo.processInfo.environment["VAE_PIPELINE_LIBMPI"] ?? ""
        return chosen.isEmpty ? CMPI_LIBRARY : chosen
    }()

    /// Loads the library once; nil when usable, else why not ("libmpi.so.40: cannot open shared
    /// object file…").
    static let loadProblem: String? = {
        var error = [CChar](repeating: 0, count: 512)
        return cmpi_load(library, &error, Int32(error.count)) == 1 ? nil : text(error)
    }()

    /// The library's own description, first line ("Open MPI v4.1.4, package: …").
    static func libraryVersion() -> String? {
        guard loadProblem == nil else { return nil }
        var buffer = [CChar](repeating: 0, count: 512)
        guard cmpi_library_version(&buffer, Int32(buffer.count)) == 0 else { return nil }
        return text(buffer).split(separator: "\n").first.map(String.init)
    }

    /// MPI_Init_thread (serialized); the rank and size of MPI_COMM_WORLD.
    @inline(never)
    static func initialize() throws -> (rank: Int, size: Int) {
        if let loadProblem { throw TrainingError.mpi("\(library) cannot be used: \(loadProblem)") }
        var provided: Int32 = 0
        if cmpi_is_initialized() == 0 {
            let status = cmpi_init(&provided)
            guard status == 0 else { throw TrainingError.mpi("MPI_Init_thread failed (error \(status))") }
            guard provided >= 2 else {
                throw TrainingError.mpi(
                    "Open MPI grants only thread level \(provided); training needs MPI_THREAD_SERIALIZED (2)")
            }
        }
        var rank: Int32 = 0, size: Int32 = 0
        guard cmpi_world_rank(&rank) == 0, cmpi_world_size(&size) == 0 else {
            throw TrainingError.mpi("MPI_Comm_rank/MPI_Comm_size failed")
        }
        return (Int(rank), Int(size))
    }

    /// MPI_Allreduce in place over MPI_COMM_WORLD, in pieces below 2³¹ elements.
    @inline(never)
    static func allreduce<T>(_ buffer: UnsafeMutableBufferPointer<T>, type: Int32, operation: Int32) {
        guard let base = buffer.baseAddress else { return }
        let piece = 1 << 30
        var offset = 0
        while offset < buffer.count {
            let count = Swift.min(piece, buffer.count - offset)
            let status = cmpi_allreduce(base + offset, Int32(count), type, operation)
            // MPI_ERRORS_ARE_FATAL ends the job before this; if a handler returned instead, the
            // processes' weights could part, which must not go unnoticed.
            precondition(status == 0, "MPI_Allreduce failed (error \(status))")
            offset += count
        }
    }

    /// MPI_Sendrecv over MPI_COMM_WORLD: `send` to rank `destination` while `receive` fills from
    /// rank `source` (fewer than 2³¹ elements each).
    @inline(never)
    static func sendReceive<T>(
        _ send: UnsafeBufferPointer<T>, to destination: Int, into receive: UnsafeMutableBufferPointer<T>,
        from source: Int, type: Int32
    ) {
        precondition(
            send.count <= Int(Int32.max) && receive.count <= Int(Int32.max),
            "MPI: more than 2³¹ − 1 elements in one message")
        let status = cmpi_sendrecv(
            send.baseAddress, Int32(send.count), Int32(destination), receive.baseAddress, Int32(receive.count),
            Int32(source), type)
        precondition(status == 0, "MPI_Sendrecv failed (error \(status))")
    }

    /// MPI_Allgatherv in place over MPI_COMM_WORLD: `buffer` holds one part per process
    /// (`counts[r]` elements each, one after another), and every process's part goes to all.
    @inline(never)
    static func allgather<T>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int], type: Int32) {
        let counts32 = int32Counts(counts, total: buffer.count)
        var displacements = [Int32](repeating: 0, count: counts.count)
        for r in counts.indices.dropFirst() { displacements[r] = displacements[r - 1] + counts32[r - 1] }
        let status = counts32.withUnsafeBufferPointer { counts in
            displacements.withUnsafeBufferPointer { offsets in
                cmpi_allgatherv(buffer.baseAddress, counts.baseAddress, offsets.baseAddress, type)
            }
        }
        precondition(status == 0, "MPI_Allgatherv failed (error \(status))")
    }

    /// MPI's `int` counts and displacements: a part layout of fewer than 2³¹ elements in all.
    private static func int32Counts(_ counts: [Int], total: Int) -> [Int32] {
        let sum = counts.reduce(0, +)
        precondition(sum <= total, "MPI: parts of \(sum) elements in a buffer of \(total)")
        precondition(
            sum <= Int(Int32.max),
            "MPI: \(sum) elements exchanged at once; Open MPI's counts and offsets end at 2³¹ − 1")
        return counts.map { Int32($0) }
    }

    /// Waits, sleeping rather than polling, until every process has arrived (see the shim).
    @inline(never)
    static func awaitAll(maxSleepMicroseconds: Int32 = 500) {
        let status = cmpi_await_all(maxSleepMicroseconds)
        precondition(status == 0, "MPI_Ibarrier/MPI_Test failed (error \(status))")
    }

    static func allreduceFloat(_ buffer: UnsafeMutableBufferPointer<Float>, operation: Int32) {
        allreduce(buffer, type: Int32(CMPI_FLOAT), operation: operation)
    }

    static func allreduceDouble(_ buffer: UnsafeMutableBufferPointer<Double>, operation: Int32) {
        allreduce(buffer, type: Int32(CMPI_DOUBLE), operation: operation)
    }

    static let floatType = Int32(CMPI_FLOAT), doubleType = Int32(CMPI_DOUBLE), int32Type = Int32(CMPI_INT32)
    static let sumOperation = Int32(CMPI_SUM), maxOperation = Int32(CMPI_MAX), minOperation = Int32(CMPI_MIN)

    /// MPI_Abort over MPI_COMM_WORLD: ends every process of the job with `code`.
    static func abort(code: Int32) -> Never {
        _ = cmpi_abort(code)
        exit(code)
    }

    static func finalize() { _ = cmpi_finalize() }

    /// A NUL-terminated C string filled in by the shim.
    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
