import NeuralCore
import Support

extension SentenceVAE: LatentTextModel, ImportanceWeightedModel {
    public convenience init(configuration: SentenceVAEConfiguration, rng: inout RandomGenerator) {
        self.init(configuration: configuration, embeddings: nil, rng: &rng)
    }

    public var latentWidth: Int { configuration.latent }

    public var decoderParameterPrefixes: [String] { ["decoder.", "latent_to_state.", "output."] }

    public var encoderParameterPrefixes: [String] { ["encoder.", "encoder_dense.", "to_mean.", "to_log_variance."] }

    public func beginStep(_ batch: TokenBatch, rng: inout RandomGenerator) -> EncoderPass {
        encodeForward(batch, training: true, rng: &rng)
    }

    public func posterior(of start: EncoderPass) -> (mean: Tensor, logVariance: Tensor)? {
        (start.mean, start.logVariance)
    }

    public func finishStep(
        _ batch: TokenBatch, from start: EncoderPass, objective: ObjectiveSettings, normalizer: Int,
        klDimensionMeans: [Double]?, rng: inout RandomGenerator
    ) -> StepMetrics {
        finish(
            batch, encoded: start, objective: objective, training: true, gradients: true, normalizer: normalizer,
            klDimensionMeans: klDimensionMeans, rng: &rng
        ).metrics
    }

    /// z ~ N(0, I) (drawn first from `rng`), then ``decode(_:strategy:maxLength:rng:)``.
    public func generate(count: Int, maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        guard count > 0 else { return [] }
        let z = Tensor.normal([count, configuration.latent], rng: &rng)
        return decode(z, strategy: strategy, maxLength: maxLength, rng: &rng)
    }
}
