import Foundation
import NeuralCore
import Support

extension CharacterVAE {
    /// Characters decoded from latents `[N, Z]`, `length` per row (fewer when `stopSymbol` is
    /// given and drawn: generation of that row stops there, the stop symbol not included). The
    /// decoder LSTM runs one step at a time as a cell, fed its own previous choice.
    /// Greedy and sampled strategies only (beam search is the sentence VAE's; a character model
    /// has no end symbol to rank finished hypotheses by). Sampling draws from `rng`.
    /// The first characters are `prefix` (forced), so text continues a start string; the
    /// returned sequences begin with it.
    public func decode(
        _ latents: Tensor, length: Int, strategy: DecodingStrategy, stopSymbol: Int32? = nil,
        prefix: [Int32] = [], rng: inout RandomGenerator
    ) -> [[Int32]] {
        let c = configuration
        precondition(
            latents.rank == 2 && latents.lastDimension == c.latent,
            "CharacterVAE.decode: latents \(latents.shape), expected [N, \(c.latent)].")
        precondition(length >= 0, "CharacterVAE.decode: length must not be negative, got \(length).")
        let choose: ([Double], inout RandomGenerator) -> Int
        switch strategy {
        case .greedy: choose = { logp, _ in TokenChooser.argmax(logp) }
        case let .sample(temperature, topK):
            choose = { logp, r in TokenChooser.sample(logp, temperature: temperature, topK: topK, rng: &r) }
        case .beam:
            preconditionFailure("CharacterVAE.decode: beam search is not supported; use .greedy or .sample.")
        }
        let N = latents.rowCount
        var out = [[Int32]](repeating: [], count: N)
        var done = [Bool](repeating: false, count: N)
        var previous = [Int](repeating: c.startSymbol, count: N)
        var state: RNNState? = nil
        for t in 0..<length where done.contains(false) {
            let step = decoderStep(previous: previous, latents: latents, state: state)
            state = step.state
            for n in 0..<N where !done[n] {
                let id = t < prefix.count ? Int(prefix[t]) : choose(step.logProbabilities[n], &rng)
                if let stop = stopSymbol, id == Int(stop) { done[n] = true; continue }
                out[n].append(Int32(id))
                previous[n] = id
            }
        }
        return out
    }

    /// `count` sequences from the prior: z ~ N(0, I) (drawn first from `rng`), then ``decode``.
    public func sample(
        count: Int, length: Int, strategy: DecodingStrategy = .sample(temperature: 1, topK: nil),
        stopSymbol: Int32? = nil, prefix: [Int32] = [], rng: inout RandomGenerator
    ) -> [[Int32]] {
        precondition(count >= 1, "CharacterVAE.sample: count must be at least 1, got \(count).")
        let z = Tensor.normal([count, configuration.latent], rng: &rng)
        return decode(z, length: length, strategy: strategy, stopSymbol: stopSymbol, prefix: prefix, rng: &rng)
    }

    /// Each sequence of `batch` decoded from its posterior mean μ, to its own length.
    public func reconstruct(_ batch: TokenBatch, strategy: DecodingStrategy = .greedy, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        let decoded = decode(encode(batch).mean, length: batch.time, strategy: strategy, rng: &rng)
        return decoded.enumerated().map { b, s in Array(s.prefix(batch.lengths[b])) }
    }

    /// One decoder step for N rows: previous characters `[N]`, latents `[N, Z]`, state (nil: zero,
    /// the start) → log-probabilities of the next character per row and the new state.
    func decoderStep(previous: [Int], latents z: Tensor, state: RNNState?) -> (
        logProbabilities: [[Double]], state: RNNState
    ) {
        let N = previous.count, V = configuration.vocabularySize
        let x = decoderInput(ids: previous, z: z, batch: N, time: 1)
        let start = state ?? initialState(from: z).map { RNNState(h: $0.h, c: $0.c) }
        let r = decoder.forward(x, lengths: nil, initialState: start, reverse: false)
        let logits = output.forward(r.finalState.h)
        return ((0..<N).map { TokenChooser.logSoftmax(logits.data + $0 * V, V) }, r.finalState)
    }
}
