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
