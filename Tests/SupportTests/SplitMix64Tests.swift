import Support
import Testing

/// The first outputs of splitmix64 for a few seeds, as main computed them before the generators
/// were brought together: the training/validation split (its hash) and every generator seeded
/// through it depend on this stream, so it must never change.
@Suite struct SplitMix64Tests {
    @Test func splitMixStreamAndHash() {
        let expected: [UInt64: [UInt64]] = [
            0: [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC],
            1: [0x910A_2DEC_8902_5CC1, 0xBEEB_8DA1_658E_EC67, 0xF893_A2EE_FB32_555E, 0x71C1_8690_EE42_C90B],
            42: [0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103, 0x4752_6757_130F_9F52, 0x581C_E1FF_0E4A_E394],
            0xDEAD_BEEF: [0x4ADF_B90F_68C9_EB9B, 0xDE58_6A31_41A1_0922, 0x021F_BC2F_8E1C_FC1D, 0x7466_CE73_7BE1_6790]
        ]
        for (seed, values) in expected {
            var generator = SplitMix64(seed: seed)
            #expect((0..<4).map { _ in generator.next() } == values, "seed \(seed)")
            #expect(SplitMix64.mix(seed) == values[0], "seed \(seed)")
        }
    }
}
