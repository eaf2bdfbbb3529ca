import Foundation

// Fast elementwise transcendental functions for the hot loops (gate nonlinearities, softmax).
//
// `fastExp` is a Cephes-style expf: range reduction x = n·ln2 + r (two-part ln2), a degree-6
// polynomial for e^r, and 2^n built in the exponent bits. It has no branches or library calls, so
// loops over it auto-vectorise in release builds. Relative error ≤ 1e−7 (measured 8e−8) over the
// clamped input range [−87, 88]; inputs below −87 give ≈ 1.6e−38 instead of 0, above 88 give
// ≈ 1.65e38 instead of ∞. NaN propagates.
// `fastTanh` and `fastSigmoid` are built on it: absolute error ≤ 2e−7 (relative error grows for
// |x| < 1e−3, which is irrelevant for activations).
//
// The polynomial is written once, over ``ExpPolynomialLanes``: one Float, or eight at once for
// loops the compiler cannot vectorise (the VRNN's recurrence). CKernels' LSTM step kernels have
// the same function in C (`exp_scalar` in ck_lstm.c, and its AVX2/AVX-512 forms, which fuse
// multiply-adds); C cannot call an inlined Swift function nor Swift inline a C one into its
// SIMD loops, so FastMathTests checks that the portable C one gives these bits for every input.

// Public and inlinable so that models' own fused loops (the VRNN's recurrence) inline the same
// code instead of keeping a copy.
@inlinable @inline(__always) public func fastExp(_ x: Float) -> Float { expPolynomial(x) }

/// `fastExp` of eight lanes at once (the same bits as eight scalar calls).
@inlinable @inline(__always) public func fastExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    expPolynomial(EightLanes(x)).lanes
}

@inlinable @inline(__always) public func fastSigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }

@inlinable @inline(__always) public func fastTanh(_ x: Float) -> Float { 1 - 2 / (fastExp(2 * x) + 1) }

/// The lanes ``expPolynomial(_:)`` computes on (one Float, or ``EightLanes``): the arithmetic it
/// needs, lane by lane.
@usableFromInline protocol ExpPolynomialLanes {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func + (lhs: Self, rhs: Float) -> Self
    static func - (lhs: Self, rhs: Float) -> Self
    static func * (lhs: Self, rhs: Float) -> Self
    /// Each lane limited to `low...high` (NaN stays NaN).
    func clamped(_ low: Float, _ high: Float) -> Self
    /// 2ⁿ for the integer n that `value` holds in its low mantissa bits after adding 1.5·2²³.
    static func powerOfTwo(roundedIn value: Self) -> Self
}

/// e^x: x = n·ln2 + r, e^r by a degree-6 polynomial, 2ⁿ built in the exponent bits.
@inlinable @inline(__always)
func expPolynomial<Lanes: ExpPolynomialLanes>(_ x: Lanes) -> Lanes {
    let x = x.clamped(-87, 88)
    // n = round(x / ln2) by the 1.5·2²³ trick (exact rounding to nearest, no library call).
    let t = x * 1.442_695_04 + 12_582_912
    let n = t - 12_582_912
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = r * 1.987_569_15e-4 + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 0.166_666_655
    p = p * r + 0.500_000_01
    p = p * r * r + r + 1
    return p * Lanes.powerOfTwo(roundedIn: t)
}

extension Float: ExpPolynomialLanes {
    @inlinable @inline(__always)
    func clamped(_ low: Float, _ high: Float) -> Float {
        var x = self
        x = x < low ? low : x
        x = x > high ? high : x
        return x
    }

    @inlinable @inline(__always)
    static func powerOfTwo(roundedIn value: Float) -> Float {
        Float(bitPattern: (value.bitPattern &- 0x4B40_0000 &+ 127) << 23)
    }
}

/// Eight lanes for ``expPolynomial(_:)``. A wrapper rather than a conformance of `SIMD8` itself,
/// so that its arithmetic is `SIMD8<Float>`'s own, inlined even in debug builds (the standard
/// library's generic SIMD operators, reached through a generic function, run element by element
/// with a type lookup per operation there).
@usableFromInline struct EightLanes: ExpPolynomialLanes {
    @usableFromInline var lanes: SIMD8<Float>

    @inlinable @inline(__always) init(_ lanes: SIMD8<Float>) { self.lanes = lanes }

    @inlinable @inline(__always)
    static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.lanes + rhs.lanes) }
    @inlinable @inline(__always)
    static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.lanes - rhs.lanes) }
    @inlinable @inline(__always)
    static func * (lhs: Self, rhs: Self) -> Self { Self(lhs.lanes * rhs.lanes) }
    @inlinable @inline(__always)
    static func + (lhs: Self, rhs: Float) -> Self { Self(lhs.lanes + rhs) }
    @inlinable @inline(__always)
    static func - (lhs: Self, rhs: Float) -> Self { Self(lhs.lanes - rhs) }
    @inlinable @inline(__always)
    static func * (lhs: Self, rhs: Float) -> Self { Self(lhs.lanes * rhs) }

    @inlinable @inline(__always)
    func clamped(_ low: Float, _ high: Float) -> Self {
        var x = lanes
        x.replace(with: SIMD8(repeating: low), where: x .< low)
        x.replace(with: SIMD8(repeating: high), where: x .> high)
        return Self(x)
    }

    @inlinable @inline(__always)
    static func powerOfTwo(roundedIn value: Self) -> Self {
        let bits = (unsafeBitCast(value.lanes, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return Self(unsafeBitCast(bits, to: SIMD8<Float>.self))
    }
}

/// Σ p[0..<n] with eight partial sums (vectorisable; summation order is fixed, so deterministic).
@inline(__always) func fastSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= n { acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self); i += 8 }
    var s = acc.sum()
    while i < n { s += p[i]; i += 1 }
    return s
}

/// max(p[0..<n]) (n ≥ 1), vectorised; NaN handling is unspecified.
@inline(__always) func fastMax(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var i = 0
    var m = p[0]
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
        var acc = raw.loadUnaligned(as: SIMD8<Float>.self)
        i = 8
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            acc.replace(with: x, where: x .> acc)  // inlines to a compare + blend (pointwiseMax did not)
            i += 8
        }
        m = acc.max()
    }
    while i < n { m = p[i] > m ? p[i] : m; i += 1 }
    return m
}
