import Foundation
import Support
import Synchronization
import Testing

@Suite struct ParallelismTests {
    @Test func rangesCoverEverythingOnceOnAlignedBoundaries() {
        for count in [0, 1, 15, 16, 17, 1000, 1 << 18, (1 << 18) + 5] {
            let covered = Mutex([Range<Int>]())
            Parallelism.forEachRange(of: count, minimumLength: 16, alignment: 16) { range in
                covered.withLock { $0.append(range) }
            }
            let ranges = covered.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            let aligned = ranges.dropFirst().allSatisfy { $0.lowerBound % 16 == 0 || $0.lowerBound == count }
            #expect(aligned, "\(count): \(ranges)")
            #expect(ranges.count <= max(1, min(Parallelism.width, count / 16)))
        }
    }

    @Test func twoCoresSplitWhereTheyAlwaysDid() {
        // On two cores an aligned split falls where the optimiser's two halves always did.
        guard Parallelism.width == 2 else { return }
        for n in [1 << 18, (1 << 18) + 7, 1_000_003] {
            let starts = Mutex([Int]())
            Parallelism.forEachRange(of: n, minimumLength: 1 << 17, alignment: 16) { range in
                starts.withLock { $0.append(range.lowerBound) }
            }
            #expect(starts.withLock { $0 }.sorted() == [0, (n / 2 + 15) & ~15])
        }
    }

    @Test func seriallyMeansOneThread() {
        #expect(Parallelism.serially { Parallelism.width } == 1)
        let parts = Mutex(0)
        Parallelism.serially {
            Parallelism.forEachRange(of: 1 << 20) { _ in parts.withLock { $0 += 1 } }
        }
        #expect(parts.withLock { $0 } == 1)
    }

    @Test func mapKeepsOrderAndRunsEachSerially() {
        let results = Parallelism.map(5) { i in (i * i, Parallelism.width) }
        #expect(results.map(\.0) == [0, 1, 4, 9, 16])
        #expect(results.allSatisfy { $0.1 == 1 })
    }
}

@Suite struct ParallelismCoreShareTests {
    /// Ranks that `mpirun` starts on one machine share its cores instead of each forking a thread
    /// per core; a missing, malformed or zero count leaves the process every core.
    @Test func ranksOnOneMachineShareItsCores() {
        #expect(Parallelism.coresPerProcess(active: 8, environment: [:]) == 8)
        #expect(Parallelism.coresPerProcess(active: 8, environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "2"]) == 4)
        #expect(Parallelism.coresPerProcess(active: 2, environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "4"]) == 1)
        #expect(Parallelism.coresPerProcess(active: 6, environment: ["MPI_LOCALNRANKS": "3"]) == 2)
        #expect(Parallelism.coresPerProcess(active: 8, environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "0"]) == 8)
        #expect(Parallelism.coresPerProcess(active: 8, environment: ["MPI_LOCALNRANKS": "many"]) == 8)
    }
}
