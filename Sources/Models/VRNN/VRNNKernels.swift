import Foundation
import NeuralCore

/// Elementwise kernels of the VRNN's fused recurrence (``VRNN/recurrenceForward``).
///
/// Scalar lanes use NeuralCore's `fastExp`, `fastSigmoid` and `fastTanh` (inlined: Foundation's
/// `exp` is a library call per element that does not vectorise — at 300 steps × B × 3H gate
/// values per batch it would cost as much as the step's GEMMs); the eight-lane versions below
/// use the same polynomial on `SIMD8`.
enum VRNNKernels {
    @inline(__always) static func exp(_ x: Float) -> Float { fastExp(x) }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { fastSigmoid(x) }

    @inline(__always) static func tanh(_ x: Float) -> Float { fastTanh(x) }
}

/// Eight lanes at a time: the recurrence's rows are separate pointers the compiler cannot prove
/// disjoint, so its loops do not auto-vectorise; these do (two SSE or one AVX register).
extension VRNNKernels {
    typealias V8 = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }

    @inline(__always) static func store(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }

    /// `exp` lane-wise (NeuralCore's `fastExp` polynomial, eight lanes at once).
    @inline(__always) static func exp(_ x: V8) -> V8 { fastExp(x) }

    @inline(__always) static func sigmoid(_ x: V8) -> V8 { 1 / (1 + exp(-x)) }

    @inline(__always) static func tanh(_ x: V8) -> V8 { 1 - 2 / (exp(2 * x) + 1) }

    /// max(x, 0) lane-wise.
    @inline(__always) static func relu(_ x: V8) -> V8 {
        var y = x
        y.replace(with: V8(), where: x .< 0)
        return y
    }

    /// `value` where `gate > 0`, else 0 (the ReLU's backward, given its output).
    @inline(__always) static func passWherePositive(_ value: V8, _ gate: V8) -> V8 {
        var y = value
        y.replace(with: V8(), where: gate .<= 0)
        return y
    }

    @inline(__always) static func clamp(_ x: V8, _ lo: Float, _ hi: Float) -> V8 {
        var y = x
        y.replace(with: V8(repeating: lo), where: x .< lo)
        y.replace(with: V8(repeating: hi), where: x .> hi)
        return y
    }
}
