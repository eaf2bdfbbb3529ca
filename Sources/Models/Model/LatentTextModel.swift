import NeuralCore
import Support

/// A model with one latent vector per sequence: `encode`, `reconstruct`, `interpolate`,
/// `neighbors` and the latent-space figures (mutual information, active units) need it.
public protocol LatentTextModel: TextModel {
    /// Z, the width of the sequence latent.
    var latentWidth: Int { get }
    /// The posterior parameters μ, log σ² `[B, Z]` (no dropout).
    func encode(_ batch: TokenBatch) -> (mean: Tensor, logVariance: Tensor)
    /// Sequences decoded from latents `[N, Z]`, at most `maxLength` ids each.
    func decode(_ latents: Tensor, strategy: DecodingStrategy, maxLength: Int, rng: inout RandomGenerator) -> [[Int32]]
    /// Name prefixes of the decoder's parameters (what re-initialising the decoder after an
    /// autoencoder phase replaces; the shared embedding is not among them).
    var decoderParameterPrefixes: [String] { get }
    /// Name prefixes of the inference network's parameters (the encoder and the posterior's
    /// layers): what aggressive inference-network training updates on its own, while the
    /// decoder and the shared embedding — the generative model — stay as they are.
    var encoderParameterPrefixes: [String] { get }
}
