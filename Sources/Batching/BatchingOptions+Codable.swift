import Corpus
import Tokenization

// Decoding takes every key as optional so that a pipeline file names only what it changes;
// encoding writes every field, so a saved run states all of its settings.
extension BatchingOptions: Codable {
    enum CodingKeys: String, CodingKey {
        case batchSize, maxLength, overLength, addBeginAndEnd, appendEnd, padding, bucketBoundaries, bucketMode
        case shuffleBuffer, shuffleSeed, validationFraction, dropRemainder, window, stride
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        maxLength = try container.decodeIfPresent(Int.self, forKey: .maxLength)
        overLength = try container.decodeIfPresent(OverLengthPolicy.self, forKey: .overLength) ?? overLength
        addBeginAndEnd = try container.decodeIfPresent(Bool.self, forKey: .addBeginAndEnd) ?? addBeginAndEnd
        appendEnd = try container.decodeIfPresent(Bool.self, forKey: .appendEnd) ?? appendEnd
        padding = try container.decodeIfPresent(PaddingSide.self, forKey: .padding) ?? padding
        bucketBoundaries = try container.decodeIfPresent([Int].self, forKey: .bucketBoundaries)
        bucketMode = try container.decodeIfPresent(BucketMode.self, forKey: .bucketMode) ?? bucketMode
        shuffleBuffer = try container.decodeIfPresent(Int.self, forKey: .shuffleBuffer) ?? shuffleBuffer
        shuffleSeed = try container.decodeIfPresent(UInt64.self, forKey: .shuffleSeed) ?? shuffleSeed
        validationFraction = try container.decodeIfPresent(Double.self, forKey: .validationFraction) ?? validationFraction
        dropRemainder = try container.decodeIfPresent(Bool.self, forKey: .dropRemainder) ?? dropRemainder
        window = try container.decodeIfPresent(Int.self, forKey: .window)
        stride = try container.decodeIfPresent(Int.self, forKey: .stride)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(maxLength, forKey: .maxLength)
        try container.encode(overLength, forKey: .overLength)
        try container.encode(addBeginAndEnd, forKey: .addBeginAndEnd)
        if appendEnd { try container.encode(appendEnd, forKey: .appendEnd) }  // written only when set: older files stay byte-identical
        try container.encode(padding, forKey: .padding)
        try container.encode(bucketBoundaries, forKey: .bucketBoundaries)
        try container.encode(bucketMode, forKey: .bucketMode)
        try container.encode(shuffleBuffer, forKey: .shuffleBuffer)
        try container.encode(shuffleSeed, forKey: .shuffleSeed)
        try container.encode(validationFraction, forKey: .validationFraction)
        try container.encode(dropRemainder, forKey: .dropRemainder)
        try container.encode(window, forKey: .window)
        try container.encode(stride, forKey: .stride)
    }
}
