import Foundation
import Testing

@testable import NeuralCore

@Suite struct FastMathTests {
    @Test func expAccuracyOverTheRange() {
        var worst: Double = 0
        var x: Float = -87
        while x <= 88 {
            let exact = exp(Double(x))
            worst = max(worst, abs(Double(fastExp(x)) - exact) / exact)
            x += 0.0137
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        print("fastExp worst relative error on [-87, 88]: \(worst)")
        #expect(fastExp(0) == 1)
        #expect(fastExp(-1000) < 1e-37 && fastExp(-1000) >= 0)
        #expect(fastExp(1000).isFinite)
        #expect(fastExp(.nan).isNaN)
    }

    @Test func tanhAndSigmoidAccuracy() {
        var worstTanh: Double = 0, worstSigmoid: Double = 0
        var x: Float = -30
        while x <= 30 {
            worstTanh = max(worstTanh, abs(Double(fastTanh(x)) - tanh(Double(x))))
            worstSigmoid = max(worstSigmoid, abs(Double(fastSigmoid(x)) - 1 / (1 + exp(-Double(x)))))
            x += 0.001
        }
        #expect(worstTanh < 3e-7 && worstSigmoid < 2e-7, "tanh \(worstTanh), sigmoid \(worstSigmoid)")
        print("fastTanh / fastSigmoid worst absolute error on [-30, 30]: \(worstTanh) / \(worstSigmoid)")
        #expect(fastTanh(100) == 1 && fastTanh(-100) == -1)
    }

    /// Every 4099th Float bit pattern (both signs, subnormals, infinities, NaNs) and [−88.5, 88.5]
    /// in steps of 2⁻¹⁰, in whole groups of eight: the inputs the bit-for-bit checks run over.
    static let sweep: [Float] = {
        var inputs = stride(from: UInt64(0), through: UInt64(UInt32.max), by: 4099).map {
            Float(bitPattern: UInt32($0))
        }
        inputs += stride(from: Float(-88.5), through: 88.5, by: 1.0 / 1024)
        return Array(inputs.prefix(inputs.count / 8 * 8))  // whole groups of eight lanes
    }()

    /// The fast exp's bits over ``sweep``, folded into one number (NaNs counted as one value).
    static func fingerprint(_ exp: (Float) -> Float) -> UInt64 {
        sweep.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { hash, x in
            let y = exp(x)
            return (hash ^ UInt64(y.isNaN ? 0x7FC0_0000 : y.bitPattern)) &* 0x0000_0100_0000_01B3
        }
    }

    /// The fast exp gives the bits main's gave before the polynomial was written once (the
    /// fingerprint was computed with main's scalar `fastExp` and, the same, with the VRNN's
    /// eight-lane copy of it): every trained weight depends on them.
    @Test func expBitsAreMains() {
        #expect(Self.sweep.count == 1_229_056)
        #expect(Self.fingerprint(fastExp) == 0x91E8_6D25_A09D_F65E)
        let wide = stride(from: 0, to: Self.sweep.count, by: 8).flatMap { start in
            let lanes = fastExp(SIMD8<Float>(Self.sweep[start..<start + 8]))
            return (0..<8).map { lanes[$0] }
        }
        var index = 0
        #expect(
            Self.fingerprint { _ in
                defer { index += 1 }; return wide[index]
            } == 0x91E8_6D25_A09D_F65E)
    }

    /// The C kernels' portable exp (the LSTM step's σ and tanh) gives the same bits as `fastExp`,
    /// and the eight-lane `fastExp` the same as the scalar one, for every input of the sweep.
    @Test func expAgreesWithTheCKernelsAndAcrossLaneWidths() {
        var mismatches: [Float] = []
        let inputs = Self.sweep
        var start = 0
        while start < inputs.count {
            var lanes = SIMD8<Float>()
            for lane in 0..<8 { lanes[lane] = inputs[start + lane] }
            let wide = fastExp(lanes)
            for lane in 0..<8 {
                let x = inputs[start + lane], scalar = fastExp(x), c = Kernels.exp(x)
                let agree =
                    scalar.isNaN
                    ? c.isNaN && wide[lane].isNaN
                    : scalar.bitPattern == c.bitPattern && scalar.bitPattern == wide[lane].bitPattern
                if !agree && mismatches.count < 10 { mismatches.append(x) }
            }
            start += 8
        }
        #expect(mismatches.isEmpty, "inputs where the exps differ: \(mismatches)")
    }

    @Test func sumAndMax() {
        let values: [Float] = (0..<37).map { Float(($0 * 7) % 11) - 3 }
        values.withUnsafeBufferPointer { p in
            #expect(fastSum(p.baseAddress!, 37) == values.reduce(0, +))
            #expect(fastMax(p.baseAddress!, 37) == values.max()!)
            #expect(fastMax(p.baseAddress!, 5) == values.prefix(5).max()!)
        }
    }
}
