import Support

extension Xoshiro256StarStar {
    /// A generator for one use (`stream`) in one epoch: different per epoch and per use, the
    /// same in every run for the same seed.
    init(seed: UInt64, epoch: Int, stream: UInt64) {
        let epochHash = SplitMix64.mix(UInt64(bitPattern: Int64(epoch)) ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.init(seed: SplitMix64.mix(seed ^ epochHash))
    }
}
