import Batching
import Models

extension TokenBatch {
    /// The model's view of a pipeline batch: post-padded ids and true lengths. Pre-padded
    /// batches (Keras' layout) are shifted row by row; the model's masks make both equivalent.
    public init(_ batch: Batch) {
        var ids = batch.ids
        if batch.padding == .pre {
            for row in 0..<batch.batchSize {
                let length = batch.lengths[row]
                let base = row * batch.time
                let padding = batch.time - length
                guard padding > 0 else { continue }
                for t in 0..<length { ids[base + t] = batch.ids[base + padding + t] }
                for t in length..<batch.time { ids[base + t] = 0 }
            }
        }
        self.init(ids: ids, batchSize: batch.batchSize, time: batch.time, lengths: batch.lengths)
    }

    /// A batch of id sequences (no `<bos>`/`<eos>`), post-padded to the longest.
    public init(sequences: [[Int32]]) {
        let time = max(1, sequences.map(\.count).max() ?? 1)
        var ids = [Int32](repeating: 0, count: sequences.count * time)
        for (row, sequence) in sequences.enumerated() {
            for (t, id) in sequence.enumerated() { ids[row * time + t] = id }
        }
        self.init(ids: ids, batchSize: sequences.count, time: time, lengths: sequences.map(\.count))
    }

    /// Row `row`'s ids without padding.
    public func sequence(_ row: Int) -> [Int32] {
        Array(ids[(row * time)..<(row * time + lengths[row])])
    }
}
