import Foundation
import Support

/// An optimiser updating parameters from their accumulated gradients.
///
/// Optimisers keep explicit per-parameter state keyed by the parameter's name (MLXOptimizers
/// style), so the state can be saved and restored with `stateTensors` / `loadState`.
/// Frozen parameters (`isTrainable == false`) are skipped. Sparse parameters (embeddings) update
/// only their touched rows ("lazy" updates: untouched rows and their moments stay as they are).
public protocol Optimizer {
    var learningRate: Float { get set }
    /// The number of `update` calls so far.
    var step: Int { get }
    /// Applies one update to every parameter from its gradient (does not zero the gradients).
    mutating func update(_ parameters: [NamedParameter])
    /// Applies one update to `parameters`, changing only the elements `regions` gives, from the
    /// gradients it points at. Every parameter listed counts the update (its state is created and
    /// its step counted even when `regions` gives none of its elements), so processes that each
    /// update a share of the elements keep the same counts and state layout.
    mutating func update(_ parameters: [NamedParameter], regions: some GradientRegions)
    /// The state kept per element of the parameter named — tensors shaped like it, e.g. Adam's
    /// two moments — as the live tensors (writing into them changes the state); empty when there
    /// is none (yet). Processes that update shares of the elements bring each other's parts of
    /// it together through these before a checkpoint is saved.
    func elementState(of name: String) -> [Tensor]
    /// The state as named tensors (`adam.m.<name>`, …) and metadata (`step`, …).
    func stateTensors() -> (tensors: [String: Tensor], metadata: [String: String])
    /// Restores state written by `stateTensors`.
    mutating func loadState(tensors: [String: Tensor], metadata: [String: String]) throws
}

extension Optimizer {
    public mutating func update(_ parameters: [NamedParameter]) { update(parameters, regions: WholeGradients()) }
}

/// Runs `body(offset, count)` over parts of `0..<n` on the machine's cores when `n` is large
/// (the optimiser and gradient passes are memory-bound; more cores add bandwidth). The work is
/// elementwise, so the results do not depend on the number of parts.
@inline(__always) func parallelChunks(_ n: Int, _ body: (Int, Int) -> Void) {
    // Parts of at least 2¹⁷ elements, starting on 16-element boundaries (whole SIMD steps).
    Parallelism.forEachRange(of: n, minimumLength: 1 << 17, alignment: 16) { range in
        body(range.lowerBound, range.count)
    }
}

/// Rows of a parameter the optimiser must update: all rows, or the touched rows of a sparse one.
@inline(__always) func forEachActiveRange(_ p: Parameter, _ body: (Int, Int) -> Void) {
    if p.isSparse {
        p.sortTouchedRows()
        let w = p.rowWidth
        for r in p.touchedRows { body(r * w, w) }
    } else {
        body(0, p.value.count)
    }
}

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

/// Stochastic gradient descent with optional (heavy-ball, PyTorch-style) momentum:
/// b ← μ b + g; x ← x − lr · b.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public private(set) var step: Int = 0
    public private(set) var buffers: [String: Tensor] = [:]

    /// Forgets the momentum of the parameters named.
    public mutating func resetState(for names: Set<String>) {
        for name in names { buffers[name] = nil }
    }

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func update(_ parameters: [NamedParameter], regions: some GradientRegions) {
        step += 1
        let (lr, mu) = (learningRate, momentum)
        for np in parameters where np.parameter.isTrainable {
            let p = np.parameter
            let x = p.value.data
            if mu == 0 {
                regions.forEachRegion(of: p) { start, n, g in for i in 0..<n { x[start + i] -= lr * g[i] } }
                continue
            }
            if buffers[np.name] == nil { buffers[np.name] = Tensor(zeros: p.value.shape) }
            let buffer = buffers[np.name]!
            precondition(
                buffer.count == p.value.count,
                "SGD momentum for \(np.name) has shape \(buffer.shape), the parameter \(p.value.shape).")
            let b = buffer.data
            regions.forEachRegion(of: p) { start, n, g in
                for i in 0..<n { b[start + i] = mu * b[start + i] + g[i]; x[start + i] -= lr * b[start + i] }
            }
        }
    }

    public func elementState(of name: String) -> [Tensor] { buffers[name].map { [$0] } ?? [] }

    public func stateTensors() -> (tensors: [String: Tensor], metadata: [String: String]) {
        var t: [String: Tensor] = [:]
        for (name, b) in buffers { t["sgd.momentum." + name] = b }
        return (t, ["optimizer": "sgd", "step": String(step)])
    }

    public mutating func loadState(tensors: [String: Tensor], metadata: [String: String]) throws {
        guard metadata["optimizer"] == "sgd", let s = metadata["step"].flatMap(Int.init) else {
            throw NeuralCoreError.malformedFile(
                path: "optimizer state", reason: "the metadata does not describe SGD state with a step count")
        }
        var loaded: [String: Tensor] = [:]
        for (key, b) in tensors where key.hasPrefix("sgd.momentum.") {
            loaded[String(key.dropFirst("sgd.momentum.".count))] = b
        }
        buffers = loaded
        step = s
    }
}

/// The global L2 norm of all trainable gradients (touched rows only for sparse parameters).
///
/// The sum's grouping is part of the definition, so that processes holding shares of the
/// gradient can rebuild it bit for bit (Models' `DataParallel`): a dense parameter's Σg² is the
/// sum of its blocks of ``squaredNormBlock`` elements (``blockSumOfSquares(_:_:)``) added in
/// order from zero, and a running Double adds, parameter by parameter, that sum — or, for a
/// sparse parameter, each touched row's (sorted) on its own.
public func gradientNorm(_ parameters: [NamedParameter]) -> Float {
    var s = 0.0
    for np in parameters where np.parameter.isTrainable {
        let g = np.parameter.gradient.data
        forEachActiveRange(np.parameter) { start, n in s += sumOfSquares(g + start, n) }
    }
    return Float(s.squareRoot())
}

/// The block length of ``gradientNorm(_:)``'s partial sums (elements).
public let squaredNormBlock = 4096

/// Σ p[i]² over n elements: the ``squaredNormBlock``-element blocks' sums added in order from zero.
@inline(__always) public func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var total = 0.0
    var i = 0
    while i < n {
        let length = min(squaredNormBlock, n - i)
        total += blockSumOfSquares(p + i, length)
        i += length
    }
    return total
}

/// Σ p[i]² over one block (n ≤ ``squaredNormBlock``): Float partial sums of 16 lanes, their
/// total and the remaining elements added in Double (vectorised; fixed order, so deterministic).
@inline(__always) public func blockSumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    let raw = UnsafeRawPointer(p)
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n {
        let x = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self); acc += x * x; i += 16
    }
    var s = Double(acc.sum())
    while i < n { s += Double(p[i]) * Double(p[i]); i += 1 }
    return s
}

/// Scales all gradients so that their global norm is at most `maxNorm`; call before the optimiser
/// step. Returns the norm before clipping (NaN/∞ gradients are left untouched; check the result).
@discardableResult
public func clipGradientNorm(_ parameters: [NamedParameter], maxNorm: Float) -> Float {
    let norm = gradientNorm(parameters)
    guard let k = clippingScale(norm: norm, maxNorm: maxNorm) else { return norm }
    for np in parameters where np.parameter.isTrainable {
        let g = np.parameter.gradient.data
        forEachActiveRange(np.parameter) { start, n in for i in start..<(start + n) { g[i] *= k } }
    }
    return norm
}

/// The factor ``clipGradientNorm(_:maxNorm:)`` scales the gradients by when their norm is
/// `norm`; nil when it leaves them as they are (within `maxNorm`, zero, NaN or infinite).
public func clippingScale(norm: Float, maxNorm: Float) -> Float? {
    guard norm.isFinite, norm > maxNorm, norm > 0 else { return nil }
    return maxNorm / norm
}

/// Throws `NeuralCoreError.nonFinite` naming the step when the loss or gradient norm is NaN or infinite.
public func checkFinite(loss: Float, gradientNorm: Float? = nil, step: Int) throws {
    if !loss.isFinite { throw NeuralCoreError.nonFinite(quantity: "loss", step: step) }
    if let g = gradientNorm, !g.isFinite { throw NeuralCoreError.nonFinite(quantity: "gradient norm", step: step) }
}
