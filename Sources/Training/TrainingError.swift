import Foundation

/// Why training (or a command using a trained run) cannot go on, as full sentences.
public enum TrainingError: LocalizedError, Sendable, Equatable {
    case notACheckpoint(String)
    case corruptCheckpoint(String, reason: String)
    case notARun(String)
    case runExists(String)
    /// A figure of the step blew up: NaN or infinite (`level` nil) or `DivergenceMonitor.factor`
    /// times its running level.
    case diverged(
        step: Int, quantity: String, value: Double, level: Double?, factor: Double, levelName: String,
        lastCheckpoint: String?)
    case noTrainingData(String)
    case noValidationData(String)
    case invalidSetting(String)
    case incompatibleResume(String)
    case emptyInput(String)
    /// The run's model lacks what a command needs (the VRNN has no single sentence latent).
    case notSupported(String)
    /// Training across processes (`mpirun`) cannot start or go on: Open MPI missing or failing,
    /// or the processes disagree (settings, data, weights).
    case mpi(String)

    public var errorDescription: String? {
        switch self {
        case .notACheckpoint(let path):
            return
                "\(path) is not a checkpoint (it has no \(CheckpointStore.stateFile)); give a run directory or one of "
                    + "its checkpoints/step-… directories."
        case .corruptCheckpoint(let path, let reason):
            return "The checkpoint \(path) cannot be read: \(reason)."
        case .notARun(let path):
            return "\(path) is not a training run directory (no run.json and no complete checkpoint in it)."
        case .runExists(let path):
            return
                "The run directory \(path) already holds a run; continue it with --resume \(path), or pass "
                    + "--overwrite to start over."
        case .diverged(let step, let quantity, let value, let level, let factor, let levelName, let lastCheckpoint):
            let figure =
                level.map {
                    "the \(quantity) was \(String(format: "%.3g", value)), over \(Int(factor)) times \(levelName) of "
                        + "\(String(format: "%.3g", $0))"
                }
                ?? "the \(quantity) became \(value.isNaN ? "NaN" : "infinite")"
            let kept =
                lastCheckpoint.map { " The last good checkpoint is kept: \($0)." }
                ?? " No good checkpoint had been written."
            return
                "Training diverged and stopped at step \(step): \(figure).\(kept) Lower the learning rate "
                    + "(--learning-rate) or clip gradients harder (--clip-norm)."
        case .noTrainingData(let detail):
            return "There is no training data: \(detail)."
        case .noValidationData(let detail):
            return "There is no validation data: \(detail)."
        case .invalidSetting(let message):
            return message
        case .incompatibleResume(let message):
            return "Cannot resume: \(message)."
        case .emptyInput(let message):
            return message
        case .notSupported(let message):
            return message
        case .mpi(let message):
            return "MPI: \(message)."
        }
    }
}
