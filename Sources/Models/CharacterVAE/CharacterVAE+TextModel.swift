import NeuralCore
import Support

extension CharacterVAE: LatentTextModel, PrefixGenerating {
    /// z ~ N(0, I), then the decoder from the forced `prefix` on.
    public func generate(
        count: Int, prefix: [Int32], maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator
    ) -> [[Int32]] {
        guard count > 0 else { return [] }
        return sample(
            count: count, length: maxLength, strategy: strategy, stopSymbol: configuration.endSymbol.map(Int32.init),
            prefix: prefix, rng: &rng)
    }

    public var latentWidth: Int { configuration.latent }

    public var decoderParameterPrefixes: [String] { ["dec.", "out.", "z2h."] }

    public var encoderParameterPrefixes: [String] { ["enc.", "mu.", "logvar."] }

    public func beginStep(_ batch: TokenBatch, rng: inout RandomGenerator) -> EncoderPass { encodeForward(batch) }

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

    /// Characters decoded from latents, stopping at the configuration's `endSymbol` when it has one.
    public func decode(_ latents: Tensor, strategy: DecodingStrategy, maxLength: Int, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        decode(
            latents, length: maxLength, strategy: strategy, stopSymbol: configuration.endSymbol.map(Int32.init),
            rng: &rng)
    }

    public func generate(count: Int, maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        guard count > 0 else { return [] }
        return sample(
            count: count, length: maxLength, strategy: strategy, stopSymbol: configuration.endSymbol.map(Int32.init),
            rng: &rng)
    }
}
