import CorpusReader

/// A uniform sample of `capacity` records from a stream of unknown length (Algorithm R),
/// holding only the sample. Seeded, so the same corpus always shows the same samples.
struct ReservoirSampler {
    struct Sample {
        var location: RecordLocation
        var text: String
    }

    let capacity: Int
    private(set) var seen = 0
    private var chosen: [(index: Int, sample: Sample)] = []
    private var state: UInt64

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        state = seed
    }

    /// The sample in corpus order.
    var samples: [Sample] { chosen.sorted { $0.index < $1.index }.map(\.sample) }

    mutating func add(_ chunk: RecordChunk) {
        guard capacity > 0 else { return }
        for index in 0..<chunk.count {
            seen += 1
            if chosen.count < capacity {
                chosen.append((seen, Sample(location: chunk.location(index), text: chunk.text(index))))
            } else {
                let slot = Int(nextRandom() % UInt64(seen))
                if slot < capacity {
                    chosen[slot] = (seen, Sample(location: chunk.location(index), text: chunk.text(index)))
                }
            }
        }
    }

    /// SplitMix64: tiny, fast, and good enough to choose samples.
    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
