/// The position within training: the epoch and how many of its batches the trainer has
/// consumed. A checkpoint stores this small value; ``BatchStream/batches(from:split:)`` resumes
/// from it with exactly the batches an uninterrupted run would have seen next.
public struct EpochPosition: Codable, Sendable, Hashable {
    public var epoch: Int
    public var batchesConsumed: Int

    public init(epoch: Int = 0, batchesConsumed: Int = 0) {
        self.epoch = epoch
        self.batchesConsumed = batchesConsumed
    }

    /// The position after one more batch.
    public func advanced(by batches: Int = 1) -> EpochPosition {
        EpochPosition(epoch: epoch, batchesConsumed: batchesConsumed + batches)
    }

    /// The start of the following epoch.
    public func nextEpoch() -> EpochPosition {
        EpochPosition(epoch: epoch + 1, batchesConsumed: 0)
    }
}
