import Batching
import Tokenization

public struct BatchingSection: Codable, Sendable, Equatable {
    public var batchSize: Int?
    public var maxLength: Int?
    public var overLength: OverLengthPolicy?
    /// Only `post` trains (the model masks padding); `pre` is refused.
    public var padding: PaddingSide?
    public var bucketBoundaries: [Int]?
    public var bucketMode: BucketMode?
    public var shuffleBuffer: Int?
    public var seed: UInt64?
    public var dropRemainder: Bool?
    /// Character models: windows of this many characters over the stream of records (each
    /// record ended by `<eos>`) instead of one sequence per record.
    public var window: Int?
    /// The step between windows' starts (default: the window, no overlap).
    public var stride: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case padding, seed, window, stride
        case batchSize = "batch_size"
        case maxLength = "max_length"
        case overLength = "over_length"
        case bucketBoundaries = "bucket_boundaries"
        case bucketMode = "bucket_mode"
        case shuffleBuffer = "shuffle_buffer"
        case dropRemainder = "drop_remainder"
    }
}
