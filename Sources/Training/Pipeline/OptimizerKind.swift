/// The optimiser a run trains with (`training.optimizer.name`).
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    case adam, sgd
}
