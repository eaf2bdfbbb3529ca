import Foundation

/// Normally distributed Floats from a 64-bit seed (SplitMix64 and the Box–Muller transform):
/// the same seed gives the same sequence on every machine, without depending on NeuralCore.
struct SeededNormalGenerator {
    private var state: UInt64
    private var spare: Double?

    init(seed: UInt64) { state = seed }

    private mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: never 0, so the logarithm below is finite.
    private mutating func nextUniform() -> Double {
        Double((nextUInt64() >> 11) + 1) * 0x1.0p-53
    }

    mutating func next(mean: Double, standardDeviation: Double) -> Float {
        if let spare {
            self.spare = nil
            return Float(mean + standardDeviation * spare)
        }
        let radius = (-2 * Foundation.log(nextUniform())).squareRoot()
        let angle = 2 * Double.pi * nextUniform()
        spare = radius * Foundation.sin(angle)
        return Float(mean + standardDeviation * radius * Foundation.cos(angle))
    }
}
