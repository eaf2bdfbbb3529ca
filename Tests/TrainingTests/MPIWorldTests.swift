import Foundation
import Testing

@testable import Training

/// What can be checked of training across processes without `mpirun` (the command-line tests
/// run it): how a process learns it was launched, the `MPI:` line, and old checkpoints.
@Suite struct MPIWorldTests {
    @Test func aProcessKnowsItsRankFromOpenMPIsEnvironment() {
        #expect(MPIWorld.launch(environment: [:]) == nil)
        let launch = MPIWorld.launch(environment: ["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3"])
        #expect(launch?.rank == 3 && launch?.size == 4)
    }

    @Test func theVersionLineSaysWhetherOpenMPICanBeUsed() {
        let line = MPIWorld.versionLine
        #expect(line.hasPrefix("MPI: "))
        #expect(line.contains("libmpi.so.40"), "names the library it looks for: \(line)")
    }

    /// Checkpoints written before training across processes have no world size: one process.
    @Test func checkpointsWithoutAWorldSizeWereWrittenByOneProcess() throws {
        let old =
            #"{"step": 3, "epoch": 0, "batchesConsumed": 3, "seed": 1, "tokensSeen": 10, "sentencesSeen": 2, "#
            + #""elapsedSeconds": 1, "finished": false}"#
        let state = try JSONDecoder().decode(TrainingState.self, from: Data(old.utf8))
        #expect(state.worldSize == nil)
        var new = state
        new.worldSize = 2
        let again = try JSONDecoder().decode(TrainingState.self, from: JSONEncoder().encode(new))
        #expect(again.worldSize == 2)
    }
}
