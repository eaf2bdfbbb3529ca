import Foundation
import Testing

@testable import Training

@Suite struct CheckpointStoreTests {
    func temporaryRun() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesListsPrunesAndPromotes() throws {
        let run = try temporaryRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let store = CheckpointStore(runDirectory: run)
        for step in [10, 20, 30] {
            try store.write(state: TrainingState(step: step, seed: 1)) { directory in
                try Data("m\(step)".utf8).write(to: directory.appendingPathComponent(CheckpointStore.modelFile))
                try Data("o\(step)".utf8).write(to: directory.appendingPathComponent(CheckpointStore.optimizerFile))
            }
        }
        #expect(try store.stepCheckpoints().map(\.state.step) == [10, 20, 30])
        try store.prune(keepLast: 2)
        #expect(try store.stepCheckpoints().map(\.state.step) == [20, 30])
        let latest = try #require(try store.latest())
        try store.promoteToBest(latest)
        let best = try #require(try store.best())
        #expect(best.state.step == 30)
        #expect(try String(contentsOf: best.modelURL, encoding: .utf8) == "m30")
        // Replacing the best keeps exactly one complete copy.
        try store.promoteToBest(try #require(try store.stepCheckpoints().first))
        #expect(try store.best()?.state.step == 20)
    }

    @Test func interruptedWritesAreIgnoredAndCleaned() throws {
        let run = try temporaryRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let store = CheckpointStore(runDirectory: run)
        struct Killed: Error {}
        #expect(throws: Killed.self) {
            try store.write(state: TrainingState(step: 5, seed: 1)) { _ in throw Killed() }
        }
        #expect(try store.stepCheckpoints().isEmpty)
        // A step directory without state.json (killed before the rename is impossible, but a hand-made one)
        // is not listed.
        try FileManager.default.createDirectory(
            at: store.directory.appendingPathComponent("step-00000009"), withIntermediateDirectories: true)
        #expect(try store.latest() == nil)
        store.removePartials()
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).filter {
            $0.hasPrefix(".")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func readingANonCheckpointSaysSo() {
        #expect {
            _ = try CheckpointStore.read(URL(fileURLWithPath: "/tmp/definitely-not-a-checkpoint"))
        } throws: { error in
            (error as? LocalizedError)?.errorDescription?.contains("is not a checkpoint") == true
        }
    }

    @Test func metricsLogTruncatesOnResume() throws {
        let run = try temporaryRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let log = try MetricsLog(runDirectory: run)
        for step in [10, 20, 30] {
            try log.append(
                MetricsRecord(
                    kind: .train, step: step, epoch: 0, seconds: Double(step), loss: 1, reconstruction: 1, kl: 0))
        }
        // A torn last line, as a killed run may leave.
        let handle = try FileHandle(forWritingTo: log.url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"kind\":\"tr".utf8))
        try handle.close()
        #expect(try MetricsLog.read(log.url).map(\.step) == [10, 20, 30])
        let resumed = try MetricsLog(runDirectory: run, truncatingAfter: 20)
        try resumed.append(
            MetricsRecord(kind: .validation, step: 25, epoch: 0, seconds: 25, loss: 2, reconstruction: 2, kl: 0))
        #expect(try MetricsLog.read(log.url).map(\.step) == [10, 20, 25])
    }
}
