import CorpusReader
import Support

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
    private var generator: SplitMix64

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        generator = SplitMix64(seed: seed)
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
                let slot = Int(generator.next() % UInt64(seen))
                if slot < capacity {
                    chosen[slot] = (seen, Sample(location: chunk.location(index), text: chunk.text(index)))
                }
            }
        }
    }
}
