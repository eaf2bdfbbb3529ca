import Support
import Testing

@Suite struct RandomTests {
    @Test func sameSeedSameStream() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let sa = (0..<100).map { _ in a.next() }, sb = (0..<100).map { _ in b.next() }
        #expect(sa == sb)
        #expect(sa != (0..<100).map { _ in c.next() })
    }

    @Test func knownFirstValueIsStable() {
        // Guards against accidental changes to the generator (which would change every seeded run).
        var a = RandomGenerator(seed: 0)
        let first = a.next()
        var b = RandomGenerator(seed: 0)
        #expect(b.next() == first)
        #expect(first != 0)
    }

    @Test func uniformAndNormalMoments() {
        var rng = RandomGenerator(seed: 1)
        let n = 100_000
        var su = 0.0, sn = 0.0, sn2 = 0.0
        for _ in 0..<n {
            let u = rng.nextUniform()
            #expect(u >= 0 && u < 1)
            su += Double(u)
            let z = Double(rng.nextNormal())
            sn += z; sn2 += z * z
        }
        #expect(abs(su / Double(n) - 0.5) < 0.01)
        #expect(abs(sn / Double(n)) < 0.02)
        #expect(abs(sn2 / Double(n) - 1) < 0.02)
    }

    @Test func integersAndSplitting() {
        var rng = RandomGenerator(seed: 3)
        #expect((0..<1000).allSatisfy { _ in (0..<7).contains(rng.nextInt(below: 7)) })
        var a = rng, b = rng
        var sa = a.split(), sb = b.split()
        #expect(sa.next() == sb.next())
    }
}

/// The first outputs of the generator for a few seeds, as main computed them before the
/// generators were brought together into Support: every seeded run, dropout mask and resumed checkpoint
/// depends on these streams, so they must never change.
@Suite struct RandomStreamPinTests {
    static let seeds: [UInt64] = [0, 1, 42, 0xDEAD_BEEF]

    @Test func rawBits() {
        let expected: [[UInt64]] = [
            [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C],
            [0xB3F2_AF6D_0FC7_10C5, 0x853B_5596_4736_4CEA, 0x92F8_9756_082A_4514, 0x642E_1C7B_C266_A3A7],
            [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1],
            [0xC555_5444_A74D_7E83, 0x65C3_0D37_B4B1_6E38, 0x54F7_7320_0A4E_FA23, 0x429A_ED75_FB95_8AF7]
        ]
        for (seed, values) in zip(Self.seeds, expected) {
            var generator = RandomGenerator(seed: seed)
            #expect((0..<4).map { _ in generator.next() } == values, "seed \(seed)")
        }
    }

    @Test func uniformFloats() {
        let expected: [[UInt32]] = [
            [0x3F19_EC5F, 0x3F3F_6E1F, 0x3DD2_FC20, 0x3ED5_4B28],
            [0x3F33_F2AF, 0x3F05_3B55, 0x3F12_F897, 0x3EC8_5C38],
            [0x3DAB_C058, 0x3EC2_09B2, 0x3F2E_1753, 0x3F6C_B8AD],
            [0x3F45_5554, 0x3ECB_861A, 0x3EA9_EEE6, 0x3E85_35DA]
        ]
        for (seed, bits) in zip(Self.seeds, expected) {
            var generator = RandomGenerator(seed: seed)
            #expect((0..<4).map { _ in generator.nextUniform().bitPattern } == bits, "seed \(seed)")
        }
    }

    @Test func normalFloats() {
        let expected: [[UInt32]] = [
            [0xBC67_2032, 0xBF81_195D, 0xBFEC_464A, 0x3F88_911B, 0x3F49_C61C],
            [0xBF55_2E8B, 0xBDDC_343A, 0xBF51_3BF3, 0x3F2A_2BF1, 0x3F06_CE43],
            [0xBFCE_7E1E, 0x3FC4_6A15, 0x3F48_1CF8, 0xBECC_E629, 0x3C82_0484],
            [0xBF13_B5F5, 0x3EDD_C978, 0xBDC2_5B4F, 0x3FBD_B7CB, 0xBE17_C172]
        ]
        for (seed, bits) in zip(Self.seeds, expected) {
            var generator = RandomGenerator(seed: seed)
            #expect((0..<5).map { _ in generator.nextNormal().bitPattern } == bits, "seed \(seed)")
        }
    }

    @Test func integersBelowABound() {
        let expected = [
            [420, 82, 768, 532, 737, 498], [557, 522, 900, 383, 371, 162],
            [742, 102, 9, 193, 476, 584], [195, 792, 371, 999, 838, 999]
        ]
        for (seed, values) in zip(Self.seeds, expected) {
            var generator = RandomGenerator(seed: seed)
            #expect((0..<6).map { _ in generator.nextInt(below: 1000) } == values, "seed \(seed)")
        }
    }

    @Test func splitStream() {
        var generator = RandomGenerator(seed: 7)
        var split = generator.split()
        #expect([split.next(), split.next()] == [0x214C_5895_8CA2_A8A5, 0x84A7_6ABE_9E41_19DC])
    }
}
