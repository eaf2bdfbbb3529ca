import Foundation
import NeuralCore
import Support

extension SentenceVAE {
    /// Sentences (without `<bos>` / `<eos>`, at most `maxLength` tokens) decoded from latents
    /// `[N, Z]`. Sampling draws from `rng`; greedy and beam search do not use it.
    public func decode(_ latents: Tensor, strategy: DecodingStrategy, maxLength: Int, rng: inout RandomGenerator)
        -> [[Int32]]
    {
        decodeScored(latents, strategy: strategy, maxLength: maxLength, rng: &rng).map(\.tokens)
    }

    /// As `decode`, with each sentence's log-probability under the decoder.
    public func decodeScored(
        _ latents: Tensor, strategy: DecodingStrategy, maxLength: Int,
        rng: inout RandomGenerator
    ) -> [ScoredSequence] {
        precondition(
            latents.lastDimension == configuration.latent,
            "decode: latents \(latents.shape), latent \(configuration.latent).")
        // Latents are decoded in groups whose log-probabilities (rows × V doubles) stay near 32 MB,
        // whatever the count. The grouping depends on the vocabulary and beam width only, so
        // greedy decoding and beam search of width 1 group alike.
        let rowsPerLatent: Int
        if case let .beam(width) = strategy {
            precondition(width >= 1, "Beam width must be at least 1."); rowsPerLatent = width
        } else {
            rowsPerLatent = 1
        }
        let group = max(1, (4 << 20) / max(1, configuration.vocabularySize * rowsPerLatent))
        var out: [ScoredSequence] = []
        out.reserveCapacity(latents.rowCount)
        for start in stride(from: 0, to: latents.rowCount, by: group) {
            let z = latents.rows(start..<min(latents.rowCount, start + group))
            switch strategy {
            case .greedy:
                var unused = RandomGenerator(seed: 0)
                out += stepwise(z, maxLength: maxLength, rng: &unused) { logp, _ in TokenChooser.argmax(logp) }
            case let .sample(temperature, topK):
                out += stepwise(z, maxLength: maxLength, rng: &rng) { logp, r in
                    TokenChooser.sample(logp, temperature: temperature, topK: topK, rng: &r)
                }
            case let .beam(width):
                out += beamSearch(z, width: width, maxLength: maxLength)
            }
        }
        return out
    }

    /// One decoder step for N rows: previous tokens `[N]`, latents `[N, Z]`, states (nil at the
    /// start) → log-probabilities of the next token per row, and the new states.
    func decoderStep(tokens: [Int], latents z: Tensor, states: [RNNState]?) -> (
        logProbabilities: [[Double]], states: [RNNState]
    ) {
        let N = tokens.count, V = configuration.vocabularySize
        var x = embedding.forward(tokens, shape: [N, 1])
        if configuration.latentAtEveryStep { x = appendLatent(x, z) }
        var initial = states
        if initial == nil, let l = latentToState { initial = initialStates(from: l.forward(z)) }
        let r = decoder.forward(x, lengths: nil, initialStates: initial)
        let logits = output.forward(r.output.reshaped([N, configuration.decoderHidden]))
        let logp = (0..<N).map { TokenChooser.logSoftmax(logits.data + $0 * V, V) }
        return (logp, r.finalStates)
    }

    /// Greedy or sampled decoding of all rows together.
    private func stepwise(
        _ latents: Tensor, maxLength: Int, rng: inout RandomGenerator,
        choose: ([Double], inout RandomGenerator) -> Int
    ) -> [ScoredSequence] {
        let N = latents.rowCount
        var out = [ScoredSequence](repeating: ScoredSequence(tokens: [], logProbability: 0, finished: false), count: N)
        var done = [Bool](repeating: false, count: N)
        var tokens = [Int](repeating: SpecialToken.begin.index, count: N)
        var states: [RNNState]? = nil
        for _ in 0...maxLength where done.contains(false) {
            let step = decoderStep(tokens: tokens, latents: latents, states: states)
            states = step.states
            for n in 0..<N where !done[n] {
                let id = choose(step.logProbabilities[n], &rng)
                if id == SpecialToken.end.index {
                    out[n].logProbability += step.logProbabilities[n][id]
                    out[n].finished = true
                    done[n] = true
                } else if out[n].tokens.count == maxLength {
                    done[n] = true  // cut at the length limit; only <eos> could still be scored
                } else {
                    out[n].logProbability += step.logProbabilities[n][id]
                    out[n].tokens.append(Int32(id))
                    tokens[n] = id
                }
            }
        }
        return out
    }

    /// Beam search for every latent of `[N, Z]` at once. Each step ranks every extension of a
    /// latent's alive hypotheses; an `<eos>` extension ranked within the top `width` becomes a
    /// finished hypothesis, the best `width` other extensions stay alive. A latent's search stops
    /// when `width` hypotheses have finished and none alive can still beat the best (scores only
    /// decrease), or at `maxLength`.
    ///
    /// Every step is one decoder call over N·width rows: latent n owns rows n·width ..< (n+1)·width,
    /// its alive hypotheses first, the rest copies of its first one (computed, never read), and a
    /// finished latent's rows keep running. So with width 1 each call is greedy decoding's call,
    /// row for row, and beam search of width 1 returns greedy decoding's sentences and scores
    /// exactly, whatever the kernels (a product's rows may round differently when the number of
    /// rows changes, but never when the calls are the same).
    func beamSearch(_ latents: Tensor, width: Int, maxLength: Int) -> [ScoredSequence] {
        struct Hypothesis { var tokens: [Int32]; var score: Double }
        let N = latents.rowCount, Z = configuration.latent, rows = N * width
        var alive = [[Hypothesis]](repeating: [Hypothesis(tokens: [], score: 0)], count: N)
        var finished = [[Hypothesis]](repeating: [], count: N)
        var done = [Bool](repeating: false, count: N)
        var last = [Int](repeating: SpecialToken.begin.index, count: rows)
        let z = Tensor(uninitialized: [rows, Z])
        for r in 0..<rows { (z.data + r * Z).update(from: latents.data + (r / width) * Z, count: Z) }
        var states: [RNNState]? = nil
        for _ in 0..<(maxLength + 1) where done.contains(false) {
            let step = decoderStep(tokens: last, latents: z, states: states)
            var sources = Array(0..<rows)  // the row each row's state comes from next step
            for n in 0..<N where !done[n] {
                let base = n * width
                // Candidates: the top 2·width extensions of every hypothesis (enough to fill `width`
                // alive slots even if `width` of them are <eos>).
                var candidates: [(parent: Int, token: Int, score: Double)] = []
                for (i, h) in alive[n].enumerated() {
                    for t in TokenChooser.top(step.logProbabilities[base + i], 2 * width) {
                        candidates.append((i, t, h.score + step.logProbabilities[base + i][t]))
                    }
                }
                candidates.sort {
                    $0.score != $1.score ? $0.score > $1.score : ($0.parent, $0.token) < ($1.parent, $1.token)
                }
                var next: [Hypothesis] = [], parents: [Int] = []
                let atLimit = alive[n][0].tokens.count == maxLength
                for (rank, c) in candidates.enumerated() {
                    if c.token == SpecialToken.end.index {
                        if rank < width {
                            finished[n].append(Hypothesis(tokens: alive[n][c.parent].tokens, score: c.score))
                        }
                    } else if next.count < width && !atLimit {
                        next.append(Hypothesis(tokens: alive[n][c.parent].tokens + [Int32(c.token)], score: c.score))
                        parents.append(c.parent)
                    }
                }
                let bestFinished = finished[n].map(\.score).max() ?? -.infinity
                let bestAlive = next.map(\.score).max() ?? -.infinity
                // At the length limit `next` is empty: the cut hypotheses stay as a fallback.
                if next.isEmpty || (finished[n].count >= width && bestFinished >= bestAlive) {
                    done[n] = true
                    continue
                }
                alive[n] = next
                for j in 0..<width {
                    let slot = j < next.count ? j : 0
                    sources[base + j] = base + parents[slot]
                    last[base + j] = Int(next[slot].tokens.last!)
                }
            }
            states = step.states.map { s in
                RNNState(h: Self.gatherRows(s.h, sources), c: s.c.map { Self.gatherRows($0, sources) })
            }
        }
        return (0..<N).map { n in
            if let best = finished[n].max(by: { $0.score < $1.score }) {
                return ScoredSequence(tokens: best.tokens, logProbability: best.score, finished: true)
            }
            let best = alive[n].max(by: { $0.score < $1.score })!
            return ScoredSequence(tokens: best.tokens, logProbability: best.score, finished: false)
        }
    }

    static func gatherRows(_ t: Tensor, _ rows: [Int]) -> Tensor {
        let W = t.lastDimension
        let out = Tensor(uninitialized: [rows.count, W])
        for (i, r) in rows.enumerated() { (out.data + i * W).update(from: t.data + r * W, count: W) }
        return out
    }

    /// Importance-weighted estimate of −log p(x) per sentence (Burda et al. 2016):
    /// −log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x), computed as a log-mean-exp in
    /// Double. The K samples run in chunks (each sentence repeated k times in one decoder batch),
    /// chunk size bounded so that the logits stay under ~32 M floats.
    public func importanceWeightedNLL(_ batch: TokenBatch, samples: Int, rng: inout RandomGenerator) -> [Double] {
        precondition(samples >= 1)
        let B = batch.batchSize, Z = configuration.latent
        let (mean, logVariance) = encode(batch)
        let range = Gaussian.logVarianceRange
        let perSample = batch.targetCount * configuration.vocabularySize
        // Chunks of at most 8 M logits (32 MB): with the decoder caches beside them the working set
        // stays well inside the BufferPool, so chunks reuse buffers instead of page-faulting fresh ones
        // (32 M-logit chunks spent a third of the PTB evaluation in the kernel).
        let chunk = max(1, min(samples, (8 << 20) / max(perSample, 1)))
        var logWeights = [[Double]](repeating: [], count: B)
        var done = 0
        while done < samples {
            let k = min(chunk, samples - done)
            let rep = batch.repeated(k)
            let z = Tensor(uninitialized: [B * k, Z])
            var logPriorMinusPosterior = [Double](repeating: 0, count: B * k)
            for b in 0..<B {
                for j in 0..<k {
                    let row = b * k + j
                    var s = 0.0
                    for d in 0..<Z {
                        let lv = min(max(logVariance.data[b * Z + d], range.lowerBound), range.upperBound)
                        let eps = rng.nextNormal()
                        let zv = mean.data[b * Z + d] + Foundation.exp(0.5 * lv) * eps
                        z.data[row * Z + d] = zv
                        // log p(z) − log q(z|x) = −½ z² + ½ (log σ² + ε²) (the log 2π terms cancel).
                        s += -0.5 * Double(zv) * Double(zv) + 0.5 * (Double(lv) + Double(eps) * Double(eps))
                    }
                    logPriorMinusPosterior[row] = s
                }
            }
            var unused = RandomGenerator(seed: 0)
            let dec = decodeForward(rep, z: z, training: false, rng: &unused)
            let logits = output.forward(dec.packed)
            let rowLosses = softmaxNegativeLogLikelihood(logits: logits, targets: dec.targets)
            var nll = [Double](repeating: 0, count: B * k)
            for (i, r) in dec.rowSentence.enumerated() { nll[r] += rowLosses[i] }
            for row in 0..<(B * k) { logWeights[row / k].append(-nll[row] + logPriorMinusPosterior[row]) }
            done += k
        }
        return logWeights.map { -(logSumExp($0) - Foundation.log(Double($0.count))) }
    }
}
