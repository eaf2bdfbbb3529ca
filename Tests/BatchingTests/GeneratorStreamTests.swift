import Support
import Testing

@testable import Batching

/// The first outputs of the generators behind shuffles for a few seeds, as main computed them
/// before the generators were brought together: every epoch's order depends on these streams,
/// so they must never change.
@Suite struct GeneratorStreamTests {
    @Test func epochStreams() {
        let expected: [(seed: UInt64, epoch: Int, stream: UInt64, values: [UInt64])] = [
            (1, 0, 1, [0x03A6_534A_6974_7A51, 0xBA67_0F2C_8E3F_CDF1, 0xC0EA_2A8F_2D14_D050]),
            (1, 3, 2, [0x0A9C_8AF4_1358_15CE, 0xD405_68AB_39C7_EC34, 0xEF6B_8618_DF72_6F4A]),
            (42, 7, 1, [0x66B2_1FA9_1F22_F82E, 0x8216_9DB2_17F2_BCC4, 0xB1A2_89B6_F136_BA64])
        ]
        for (seed, epoch, stream, values) in expected {
            var generator = Xoshiro256StarStar(seed: seed, epoch: epoch, stream: stream)
            #expect((0..<3).map { _ in generator.next() } == values, "seed \(seed), epoch \(epoch), stream \(stream)")
        }
    }

    @Test func indicesBelowABound() {
        var first = Xoshiro256StarStar(seed: 1, epoch: 0, stream: 1)
        #expect((0..<6).map { _ in first.nextIndex(below: 1000) } == [14, 728, 753, 211, 193, 221])
        var second = Xoshiro256StarStar(seed: 42, epoch: 7, stream: 2)
        #expect((0..<6).map { _ in second.nextIndex(below: 1000) } == [189, 125, 39, 208, 406, 51])
    }
}
