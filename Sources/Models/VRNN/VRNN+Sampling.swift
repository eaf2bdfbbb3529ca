import Foundation
import NeuralCore

extension VRNN {
    /// Generates `count` sequences of `length` symbols from the model: at each step z_t is drawn
    /// from the learned prior p(z_t | h), a symbol from the decoder's softmax at `temperature`
    /// (greedy when 0), and the state advances on the drawn symbol — the generative process of
    /// Chung et al. 2015. Returns `[count][length]` ids.
    public func sample(count: Int, length: Int, temperature: Float = 1, rng: inout RandomGenerator) -> [[Int32]] {
        precondition(count >= 1 && length >= 1, "VRNN.sample: count and length must be at least 1.")
        precondition(temperature >= 0, "VRNN.sample: temperature must not be negative.")
        let c = configuration, B = count, H = c.hidden, Z = c.latent, V = c.vocabularySize
        var h = Tensor(zeros: [B, H])
        var out = [[Int32]](repeating: [], count: B)
        let range = Gaussian.logVarianceRange
        for _ in 0..<length {
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
                symbols[b] = Self.draw(row, V, temperature: temperature, rng: &rng)
                out[b].append(Int32(symbols[b]))
            }
            let fx = phiX.forward(embedding.forward(symbols, shape: [B]))
            Self.relu(fx)
            h = cell.forward(Tensor.concatenateLast([fx, fz]), state: RNNState(h: h)).state.h
        }
        return out
    }

    /// A symbol from softmax(logits / temperature), or the arg-max at temperature 0.
    static func draw(_ logits: UnsafeMutablePointer<Float>, _ n: Int, temperature: Float, rng: inout RandomGenerator) -> Int {
        var best = 0
        for j in 1..<n where logits[j] > logits[best] { best = j }
        guard temperature > 0 else { return best }
        let m = logits[best]
        var weights = [Double](repeating: 0, count: n)
        var total = 0.0
        for j in 0..<n {
            weights[j] = Foundation.exp(Double((logits[j] - m) / temperature))
            total += weights[j]
        }
        var u = Double(rng.nextUniform()) * total
        for j in 0..<n {
            u -= weights[j]
            if u <= 0 { return j }
        }
        return best
    }
}
