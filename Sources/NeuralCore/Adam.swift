import Foundation
import Support

/// Adam (Kingma & Ba) with bias correction and optional decoupled weight decay (AdamW if > 0).
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// The number of `update` calls.
    public private(set) var step: Int = 0
    /// First and second moments by parameter name.
    public private(set) var moments: [String: (m: Tensor, v: Tensor)] = [:]
    /// Updates each parameter has had since its moments started (its bias correction's t):
    /// `step` for a parameter updated at every call, fewer for one whose state was reset (a
    /// decoder re-initialised after autoencoder pretraining) or that only some calls update
    /// (the decoder while the encoder is trained aggressively). Bias-correcting such moments by
    /// the global count would make their first updates several times the learning rate.
    public private(set) var parameterSteps: [String: Int] = [:]

    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2
        self.epsilon = epsilon; self.weightDecay = weightDecay
    }

    /// Forgets the moments of the parameters named (they start again from zero, as for new
    /// parameters), e.g. after those weights were re-initialised.
    public mutating func resetState(for names: Set<String>) {
        for name in names {
            moments[name] = nil
            parameterSteps[name] = nil
        }
    }

    /// Updates `parameters` (all of a model's, or a subset: each parameter's bias correction
    /// counts its own updates), the elements `regions` gives.
    public mutating func update(_ parameters: [NamedParameter], regions: some GradientRegions) {
        step += 1
        let (b1, b2, eps, lr, wd) = (beta1, beta2, epsilon, learningRate, weightDecay)
        for np in parameters where np.parameter.isTrainable {
            let p = np.parameter
            if moments[np.name] == nil {
                moments[np.name] = (Tensor(zeros: p.value.shape), Tensor(zeros: p.value.shape))
                parameterSteps[np.name] = 0
            }
            let t = parameterSteps[np.name, default: 0] + 1
            parameterSteps[np.name] = t
            let bc1 = 1 - Foundation.pow(Double(beta1), Double(t))
            let bc2 = 1 - Foundation.pow(Double(beta2), Double(t))
            let stepSize = Float(Double(learningRate) / bc1)
            let invSqrtBC2 = Float(1 / bc2.squareRoot())
            let (mt, vt) = moments[np.name]!
            precondition(
                mt.count == p.value.count && vt.count == p.value.count,
                "Adam state for \(np.name) has shape \(mt.shape), the parameter \(p.value.shape).")
            let x = p.value.data, m = mt.data, v = vt.data
            regions.forEachRegion(of: p) { start, n, g in
                parallelChunks(n) { lo, count in
                    Self.kernel(
                        x + start + lo, g + lo, m + start + lo, v + start + lo, count,
                        b1: b1, b2: b2, eps: eps, lr: lr, wd: wd, stepSize: stepSize, invSqrtBC2: invSqrtBC2)
                }
            }
        }
    }

    public func elementState(of name: String) -> [Tensor] { moments[name].map { [$0.m, $0.v] } ?? [] }

    /// The elementwise update of `n` elements, eight lanes at a time with explicit SIMD (the
    /// four pointers may alias as far as the compiler knows, so it would not vectorise the loop).
    @inline(__always)
    static func kernel(
        _ x: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ n: Int, b1: Float, b2: Float, eps: Float, lr: Float, wd: Float,
        stepSize: Float, invSqrtBC2: Float
    ) {
        if wd != 0 { let k = 1 - lr * wd; for i in 0..<n { x[i] *= k } }
        let c1 = 1 - b1, c2 = 1 - b2
        typealias V8 = SIMD8<Float>
        let (vb1, vb2, vc1, vc2) = (V8(repeating: b1), V8(repeating: b2), V8(repeating: c1), V8(repeating: c2))
        let (vs, vk, ve) = (V8(repeating: stepSize), V8(repeating: invSqrtBC2), V8(repeating: eps))
        let rx = UnsafeMutableRawPointer(x), rg = UnsafeRawPointer(g), rm = UnsafeMutableRawPointer(m),
            rv = UnsafeMutableRawPointer(v)
        var i = 0
        while i + 8 <= n {
            let o = i * 4
            let gi = rg.loadUnaligned(fromByteOffset: o, as: V8.self)
            let mi = vb1 * rm.loadUnaligned(fromByteOffset: o, as: V8.self) + vc1 * gi
            let vi = vb2 * rv.loadUnaligned(fromByteOffset: o, as: V8.self) + vc2 * gi * gi
            rm.storeBytes(of: mi, toByteOffset: o, as: V8.self)
            rv.storeBytes(of: vi, toByteOffset: o, as: V8.self)
            let xi = rx.loadUnaligned(fromByteOffset: o, as: V8.self) - vs * mi / (vi.squareRoot() * vk + ve)
            rx.storeBytes(of: xi, toByteOffset: o, as: V8.self)
            i += 8
        }
        while i < n {
            let gi = g[i]
            let mi = b1 * m[i] + c1 * gi
            let vi = b2 * v[i] + c2 * gi * gi
            m[i] = mi
            v[i] = vi
            x[i] -= stepSize * mi / (vi.squareRoot() * invSqrtBC2 + eps)
            i += 1
        }
    }

    public func stateTensors() -> (tensors: [String: Tensor], metadata: [String: String]) {
        var t: [String: Tensor] = [:]
        for (name, mv) in moments { t["adam.m." + name] = mv.m; t["adam.v." + name] = mv.v }
        var metadata = ["optimizer": "adam", "step": String(step)]
        // Only counts that differ from `step` are written, so a run that always updates every
        // parameter writes what earlier versions wrote.
        for (name, count) in parameterSteps where count != step { metadata["step." + name] = String(count) }
        return (t, metadata)
    }

    public mutating func loadState(tensors: [String: Tensor], metadata: [String: String]) throws {
        guard metadata["optimizer"] == "adam", let s = metadata["step"].flatMap(Int.init) else {
            throw NeuralCoreError.malformedFile(
                path: "optimizer state", reason: "the metadata does not describe Adam state with a step count")
        }
        var loaded: [String: (m: Tensor, v: Tensor)] = [:]
        for (key, m) in tensors where key.hasPrefix("adam.m.") {
            let name = String(key.dropFirst("adam.m.".count))
            guard let v = tensors["adam.v." + name] else {
                throw NeuralCoreError.missingTensors(names: ["adam.v." + name], path: "optimizer state")
            }
            loaded[name] = (m, v)
        }
        var counts: [String: Int] = [:]
        for name in loaded.keys {
            guard let written = metadata["step." + name] else { counts[name] = s; continue }
            guard let count = Int(written), (0...s).contains(count) else {
                throw NeuralCoreError.malformedFile(
                    path: "optimizer state",
                    reason: "the update count of \(name) is '\(written)', not a number from 0 to \(s)")
            }
            counts[name] = count
        }
        moments = loaded
        parameterSteps = counts
        step = s
    }
}
