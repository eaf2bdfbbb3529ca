import Support
import Testing

/// The first values of the generator behind the random rows of out-of-vocabulary embeddings
/// (splitmix64 under the Box–Muller variant whose angle excludes zero), as main computed them
/// with its own generator before the generators were brought together: an embedding matrix
/// built with the same seed must never change.
@Suite struct NormalSamplerTests {
    @Test func embeddingsStreamFirstValues() {
        let expected: [UInt64: [UInt32]] = [
            0: [0x3CC1_811A, 0x3EB5_3028, 0x3FC9_A387, 0x3B9C_E995, 0xBE7A_2A52],
            1: [0x3E71_8940, 0xBE90_CC51, 0x3E0B_4E22, 0x3E95_45A9, 0x3E9A_642B],
            42: [0x3EEA_2B13, 0x3F13_8B0F, 0xBE48_A54F, 0x3F69_D5AF, 0x3F8E_B1A7],
            0xDEAD_BEEF: [0x3F48_0B2A, 0xBEA7_229C, 0xBF9E_27CF, 0x3F2F_48E2, 0xBE2B_9695]
        ]
        for (seed, bits) in expected {
            var generator = SplitMix64(seed: seed)
            var normals = NormalSampler(.angleExcludesZero)
            let values = (0..<5).map { _ in
                Float(normals.next(mean: 0.25, standardDeviation: 0.5, using: &generator)).bitPattern
            }
            #expect(values == bits, "seed \(seed)")
        }
    }
}
