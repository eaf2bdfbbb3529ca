/// What a vocabulary entry without a vector in the file gets.
public enum OOVPolicy: String, Sendable, CaseIterable, Codable {
    /// Normal random values with the mean and standard deviation of all matched values, from `seed`.
    case random
    /// Zeros.
    case zero
    /// A copy of the `<unk>` row (the file's `<unk>` vector, else the mean of the matched vectors).
    case unk
}
