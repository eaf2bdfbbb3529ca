// # Models
//
// The text VAEs trained by vae-pipeline, built on NeuralCore.

/// The version of the Models module's API.
public enum Models {
    public static let version = "0.1.0"
}
