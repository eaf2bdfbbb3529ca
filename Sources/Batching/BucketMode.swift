/// How a batch of bucketed sequences is padded.
public enum BucketMode: String, Codable, Sendable, CaseIterable {
    /// To the longest sequence in the batch.
    case longest
    /// To the bucket's upper edge minus one (tf.data's `pad_to_bucket_boundary`), so every batch
    /// of a bucket has the same shape; the last, open bucket pads to its longest sequence.
    case edge
    /// Only sequences of equal length share a batch, so there is no padding at all.
    case exact
}
