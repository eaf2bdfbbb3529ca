/// Where the `<unk>` row of the matrix came from.
public enum UnknownVectorSource: String, Sendable {
    /// The file has a vector for `<unk>`.
    case file
    /// The mean of the matched vectors (the file has no `<unk>`).
    case mean
    /// The OOV policy, like any other missing token.
    case oovPolicy = "oov policy"
}
