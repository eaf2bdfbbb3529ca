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

    @Test func sumAndMax() {
        let values: [Float] = (0..<37).map { Float(($0 * 7) % 11) - 3 }
        values.withUnsafeBufferPointer { p in
            #expect(fastSum(p.baseAddress!, 37) == values.reduce(0, +))
            #expect(fastMax(p.baseAddress!, 37) == values.max()!)
            #expect(fastMax(p.baseAddress!, 5) == values.prefix(5).max()!)
        }
    }
}
