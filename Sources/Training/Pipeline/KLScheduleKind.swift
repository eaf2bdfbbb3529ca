/// The shape of β over the steps (`training.kl_annealing.schedule`); the section's other keys
/// give its parameters (see ``KLAnnealing``).
public enum KLScheduleKind: String, Sendable, Codable, CaseIterable {
    case constant, linear, logistic, cyclical
}
