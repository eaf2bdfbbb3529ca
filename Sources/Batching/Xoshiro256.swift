/// xoshiro256** (Blackman & Vigna), seeded through splitmix64: the generator behind shuffling.
/// Batching has its own so that its orders never change with another module's generator.
struct Xoshiro256: RandomNumberGenerator {
    private var s0, s1, s2, s3: UInt64

    init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next(); s1 = seeder.next(); s2 = seeder.next(); s3 = seeder.next()
    }

    /// A generator for one use (`stream`) in one epoch: different per epoch and per use, the
    /// same in every run for the same seed.
    init(seed: UInt64, epoch: Int, stream: UInt64) {
        let epochHash = SplitMix64.mix(UInt64(bitPattern: Int64(epoch)) ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.init(seed: SplitMix64.mix(seed ^ epochHash))
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform index in `0..<bound` (multiply-high; the bias is below 2⁻³² for any buffer).
    @inline(__always)
    mutating func index(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
