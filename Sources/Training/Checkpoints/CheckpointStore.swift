import Foundation
import Support
import TokenShards

/// The checkpoints of one run, `RUN/checkpoints/step-NNNNNNNN/` plus `RUN/checkpoints/best/`.
///
/// A checkpoint is written into a hidden `.partial` directory, `state.json` last, and only then
/// renamed into place, so a run killed at any moment leaves either a complete checkpoint or one
/// that is ignored (and removed by the next run). Each holds `model.safetensors`,
/// `optimizer.safetensors` and `state.json`, and with a weight average
/// `training-weights.safetensors`.
public struct CheckpointStore: Sendable {
    public static let stateFile = "state.json"
    public static let modelFile = "model.safetensors"
    public static let optimizerFile = "optimizer.safetensors"
    /// With a weight average: the weights training goes on from (the model file holds the average).
    public static let trainingWeightsFile = "training-weights.safetensors"
    public static let bestName = "best"

    public let directory: URL

    public init(runDirectory: URL) {
        directory = runDirectory.appendingPathComponent("checkpoints", isDirectory: true)
    }

    /// A complete checkpoint on disk.
    public struct Checkpoint: Sendable {
        public var url: URL
        public var state: TrainingState
        public var modelURL: URL { url.appendingPathComponent(CheckpointStore.modelFile) }
        public var optimizerURL: URL { url.appendingPathComponent(CheckpointStore.optimizerFile) }
        public var trainingWeightsURL: URL { url.appendingPathComponent(CheckpointStore.trainingWeightsFile) }
    }

    public static func name(forStep step: Int) -> String { String(format: "step-%08d", step) }

    /// Writes a checkpoint: `writeFiles` fills the directory it is given (weights, optimiser);
    /// then the state is written and the directory is moved into place atomically.
    @discardableResult
    public func write(state: TrainingState, name: String? = nil, writeFiles: (URL) throws -> Void) throws -> Checkpoint
    {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let finalName = name ?? Self.name(forStep: state.step)
        let partial = directory.appendingPathComponent(".\(finalName).partial", isDirectory: true)
        try? fileManager.removeItem(at: partial)
        try fileManager.createDirectory(at: partial, withIntermediateDirectories: true)
        try writeFiles(partial)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(state), to: partial.appendingPathComponent(Self.stateFile))
        let destination = directory.appendingPathComponent(finalName, isDirectory: true)
        if fileManager.fileExists(atPath: destination.path) {
            // Replacing (e.g. `best`): move the old one aside first so a complete one always exists.
            let old = directory.appendingPathComponent(".\(finalName).old", isDirectory: true)
            try? fileManager.removeItem(at: old)
            try fileManager.moveItem(at: destination, to: old)
            try fileManager.moveItem(at: partial, to: destination)
            try? fileManager.removeItem(at: old)
        } else {
            try fileManager.moveItem(at: partial, to: destination)
        }
        return Checkpoint(url: destination, state: state)
    }

    /// Copies a checkpoint to `best/` (atomically replacing the previous best).
    public func promoteToBest(_ checkpoint: Checkpoint) throws {
        try write(state: checkpoint.state, name: Self.bestName) { partial in
            for file in [Self.modelFile, Self.optimizerFile, Self.trainingWeightsFile]
            where file != Self.trainingWeightsFile
                || FileManager.default.fileExists(atPath: checkpoint.trainingWeightsURL.path)
            {
                try FileManager.default.copyItem(
                    at: checkpoint.url.appendingPathComponent(file), to: partial.appendingPathComponent(file))
            }
        }
    }

    /// Reads one checkpoint directory (a step directory, `best`, or any directory with a state file).
    public static func read(_ url: URL) throws -> Checkpoint {
        let stateURL = url.appendingPathComponent(stateFile)
        guard FileManager.default.fileExists(atPath: stateURL.path) else {
            throw TrainingError.notACheckpoint(url.path)
        }
        do {
            let state = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: stateURL))
            return Checkpoint(url: url, state: state)
        } catch {
            throw TrainingError.corruptCheckpoint(url.path, reason: "\(error)")
        }
    }

    /// The complete step checkpoints, oldest first (partial ones are not listed).
    public func stepCheckpoints() throws -> [Checkpoint] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return try names.filter { $0.hasPrefix("step-") }.sorted().compactMap { name in
            let url = directory.appendingPathComponent(name, isDirectory: true)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(Self.stateFile).path) else {
                return nil
            }
            return try Self.read(url)
        }
    }

    public func latest() throws -> Checkpoint? { try stepCheckpoints().last }

    public func best() throws -> Checkpoint? {
        let url = directory.appendingPathComponent(Self.bestName, isDirectory: true)
        return FileManager.default.fileExists(atPath: url.appendingPathComponent(Self.stateFile).path)
            ? try Self.read(url) : nil
    }

    /// Removes all but the newest `keepLast` step checkpoints, and leftovers of interrupted writes.
    public func prune(keepLast: Int) throws {
        let fileManager = FileManager.default
        let steps = try stepCheckpoints()
        if keepLast > 0 && steps.count > keepLast {
            for checkpoint in steps.dropLast(keepLast) { try fileManager.removeItem(at: checkpoint.url) }
        }
        removePartials()
    }

    /// Removes directories left by a write that was interrupted.
    public func removePartials() {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".") && (name.hasSuffix(".partial") || name.hasSuffix(".old")) {
            try? fileManager.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
