import CorpusReader
import TokenShards
import Tokenization

/// How sequences become batches. Every field has a default, so callers set only what they change;
/// ``validate()`` checks them once (``BatchStream`` calls it).
public struct BatchingOptions: Sendable, Hashable {
    /// Rows per batch.
    public var batchSize: Int = 32
    /// The longest sequence kept, in ids, counting `<bos>`/`<eos>` when they are added; nil: no limit.
    public var maxLength: Int? = nil
    /// Sequences over ``maxLength``: truncated (keeping `<eos>` last) or dropped; both counted.
    public var overLength: OverLengthPolicy = .truncate
    /// Wrap each sequence in `<bos>` … `<eos>` (whatever the shards were written with).
    public var addBeginAndEnd: Bool = false
    /// End each sequence with `<eos>` only (no `<bos>`): what character models read — a line's
    /// end, or in a character stream the boundary between records, one symbol like a newline.
    /// Ignored when ``addBeginAndEnd`` is set (that adds `<eos>` too).
    public var appendEnd: Bool = false
    public var padding: PaddingSide = .post
    /// tf.data `bucket_by_sequence_length` boundaries `[b0, b1, …]`, strictly increasing:
    /// buckets `len < b0`, `b0 ≤ len < b1`, …, `len ≥ last`. nil: batches in stream order.
    public var bucketBoundaries: [Int]? = nil
    public var bucketMode: BucketMode = .longest
    /// Sequences (or windows) held by the shuffle buffer; 0 keeps stream order.
    public var shuffleBuffer: Int = 0
    /// Epoch `e` shuffles with a generator seeded from `(shuffleSeed, e)`.
    public var shuffleSeed: UInt64 = 0
    /// The fraction of positions held out for validation (a stable hash of the position); 0: none.
    public var validationFraction: Double = 0
    /// Leave out the last, smaller batch of each bucket (or of the stream).
    public var dropRemainder: Bool = false
    /// Character windows: the split's ids concatenated and cut into windows of `window + 1` ids
    /// every ``stride`` ids; inputs are the first `window`, targets the last `window`. nil: sequences.
    public var window: Int? = nil
    /// The step between windows' starts (1: every position; `window`: non-overlapping chunks).
    public var stride: Int? = nil

    public init(
        batchSize: Int = 32, maxLength: Int? = nil, overLength: OverLengthPolicy = .truncate,
        addBeginAndEnd: Bool = false, padding: PaddingSide = .post, bucketBoundaries: [Int]? = nil,
        bucketMode: BucketMode = .longest, shuffleBuffer: Int = 0, shuffleSeed: UInt64 = 0,
        validationFraction: Double = 0, dropRemainder: Bool = false, window: Int? = nil, stride: Int? = nil
    ) {
        self.batchSize = batchSize
        self.maxLength = maxLength
        self.overLength = overLength
        self.addBeginAndEnd = addBeginAndEnd
        self.padding = padding
        self.bucketBoundaries = bucketBoundaries
        self.bucketMode = bucketMode
        self.shuffleBuffer = shuffleBuffer
        self.shuffleSeed = shuffleSeed
        self.validationFraction = validationFraction
        self.dropRemainder = dropRemainder
        self.window = window
        self.stride = stride
    }

    /// The length policy of batches: the tokenizer's rule with the batch's markers
    /// (``addBeginAndEnd``, else ``appendEnd``).
    public var lengthPolicy: LengthPolicy {
        LengthPolicy(
            maxLength: maxLength, overLength: overLength,
            markers: addBeginAndEnd ? .beginAndEnd : appendEnd ? .end : .none)
    }
}
