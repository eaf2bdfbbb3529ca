// # Training
//
// The training loop, checkpoints, metrics and reports, joining Batching and Models.

/// The version of the Training module's API.
public enum Training {
    public static let version = "0.1.0"
}
