import Testing
@testable import Batching

/// The first outputs of the generators behind splits and shuffles for a few seeds, as main
/// computed them before the generators were brought together: every split and every epoch's
/// order depends on these streams, so they must never change.
@Suite struct GeneratorStreamTests {
    @Test func splitMixStreamAndHash() {
        let expected: [UInt64: [UInt64]] = [
            0: [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC],
            1: [0x910A_2DEC_8902_5CC1, 0xBEEB_8DA1_658E_EC67, 0xF893_A2EE_FB32_555E, 0x71C1_8690_EE42_C90B],
            42: [0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103, 0x4752_6757_130F_9F52, 0x581C_E1FF_0E4A_E394],
            0xDEAD_BEEF: [0x4ADF_B90F_68C9_EB9B, 0xDE58_6A31_41A1_0922, 0x021F_BC2F_8E1C_FC1D, 0x7466_CE73_7BE1_6790],
        ]
        for (seed, values) in expected {
            var generator = SplitMix64(seed: seed)
            #expect((0..<4).map { _ in generator.next() } == values, "seed \(seed)")
            #expect(SplitMix64.mix(seed) == values[0], "seed \(seed)")
        }
    }

    @Test func epochStreams() {
        let expected: [(seed: UInt64, epoch: Int, stream: UInt64, values: [UInt64])] = [
            (1, 0, 1, [0x03A6_534A_6974_7A51, 0xBA67_0F2C_8E3F_CDF1, 0xC0EA_2A8F_2D14_D050]),
            (1, 3, 2, [0x0A9C_8AF4_1358_15CE, 0xD405_68AB_39C7_EC34, 0xEF6B_8618_DF72_6F4A]),
            (42, 7, 1, [0x66B2_1FA9_1F22_F82E, 0x8216_9DB2_17F2_BCC4, 0xB1A2_89B6_F136_BA64]),
        ]
        for (seed, epoch, stream, values) in expected {
            var generator = Xoshiro256(seed: seed, epoch: epoch, stream: stream)
            #expect((0..<3).map { _ in generator.next() } == values, "seed \(seed), epoch \(epoch), stream \(stream)")
        }
    }

    @Test func indicesBelowABound() {
        var first = Xoshiro256(seed: 1, epoch: 0, stream: 1)
        #expect((0..<6).map { _ in first.index(below: 1000) } == [14, 728, 753, 211, 193, 221])
        var second = Xoshiro256(seed: 42, epoch: 7, stream: 2)
        #expect((0..<6).map { _ in second.index(below: 1000) } == [189, 125, 39, 208, 406, 51])
    }
}
