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
}
