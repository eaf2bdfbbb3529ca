import Foundation
import NeuralCore
import Support

extension VRNN {
    /// Generates `count` sequences of `length` symbols from the model: at each step z_t is drawn
    /// from the learned prior p(z_t | h), a symbol from the decoder's distribution by `strategy`
    /// (greedy, or sampled at a temperature from the top k), and the state advances on the drawn
    /// symbol — the generative process of Chung et al. 2015. Returns `[count][length]` ids.
    /// The first symbols are `prefix` (forced, as if drawn), so text continues a start string;
    /// the returned sequences begin with it.
    public func sample(
        count: Int, length: Int, strategy: DecodingStrategy, prefix: [Int32] = [], rng: inout RandomGenerator
    ) -> [[Int32]] {
        precondition(count >= 1 && length >= 1, "VRNN.sample: count and length must be at least 1.")
        if case .beam = strategy {
            preconditionFailure("VRNN.sample: beam search is not supported; use .greedy or .sample.")
        }
        let c = configuration, B = count, H = c.hidden, Z = c.latent, V = c.vocabularySize
        var h = Tensor(zeros: [B, H])
        var out = [[Int32]](repeating: [], count: B)
        let range = Gaussian.logVarianceRange
        for t in 0..<length {
            let p = prior.forward(h)
            Self.relu(p)
            let stats = priorStats.forward(p)
            let z = Tensor(uninitialized: [B, Z])
            let sp = stats.data, zp = z.data
            for b in 0..<B {
                for j in 0..<Z {
                    let lv = min(max(sp[b * 2 * Z + Z + j], range.lowerBound), range.upperBound)
                    zp[b * Z + j] = sp[b * 2 * Z + j] + Foundation.exp(0.5 * lv) * rng.nextNormal()
                }
            }
            let fz = phiZ.forward(z)
            Self.relu(fz)
            let d = decoderHidden.forward(Tensor.concatenateLast([fz, h]))
            Self.relu(d)
            let logits = decoderOutput.forward(d)
            var symbols = [Int](repeating: 0, count: B)
            for b in 0..<B {
                let row = logits.data + b * V
                let logp = TokenChooser.logSoftmax(row, V)
                if t < prefix.count {
                    symbols[b] = Int(prefix[t])
                } else if case let .sample(temperature, topK) = strategy {
                    symbols[b] = TokenChooser.sample(logp, temperature: temperature, topK: topK, rng: &rng)
                } else {
                    symbols[b] = TokenChooser.argmax(logp)
                }
                out[b].append(Int32(symbols[b]))
            }
            let fx = phiX.forward(embedding.forward(symbols, shape: [B]))
            Self.relu(fx)
            h = cell.forward(Tensor.concatenateLast([fx, fz]), state: RNNState(h: h)).state.h
        }
        return out
    }
}
