import Batching

/// What the trainer tells the command line as it goes.
public enum TrainerEvent: Sendable {
    case note(String)
    case progress(TrainingProgress)
    case validation(
        step: Int, summary: ValidationSummary, reconstructions: [RunSummary.Reconstruction], samples: [String])
    case checkpoint(path: String, best: Bool)
    case epochFinished(epoch: Int, report: BatchingReport)
}
