import CorpusReader
import Foundation
import Support
import TokenShards
import Tokenization

/// Batches for training: a ``SequenceSource`` and ``BatchingOptions``, checked once, from
/// which each epoch's pass is made.
///
/// ```swift
/// let stream = try BatchStream(source: .shards(directory: url), options: options)
/// var batches = stream.batches(epoch: 0, split: .train).makeAsyncIterator()
/// while let batch = try await batches.next() { /* batch.ids: [batchSize, time] */ }
/// print(batches.report.paddingEfficiency)
/// ```
///
/// Per epoch the stages run in this order, on blocks of sequences, inside the consumer's task
/// (the live source alone tokenizes on other cores): source → split → length policy →
/// [character windows] → shuffle buffer → buckets or window batches → skip → deliver.
public struct BatchStream: Sendable {
    public let source: SequenceSource
    public let options: BatchingOptions
    /// The shard directory's manifest (shard sources only).
    public var manifest: ShardManifest? { layout?.manifest }

    let layout: ShardLayout?
    let live: Live?

    struct Live: Sendable {
        var reader: CorpusReader
        var tokenizer: ChunkTokenizer
        var vocabulary: Vocabulary
        var workers: Int
    }

    /// Checks the options and the source (shard files and counts; inputs readable) at once.
    public init(source: SequenceSource, options: BatchingOptions) throws {
        try options.validate()
        self.source = source
        self.options = options
        switch source {
        case let .shards(directory, vocabularySize):
            layout = try ShardLayout(directory: directory, vocabularySize: vocabularySize)
            live = nil
        case let .live(inputs, readerOptions, configuration, vocabulary, encoding, workers):
            if workers < 1 {
                throw BatchingError.invalidOptions("The live source has \(workers) workers; it needs at least 1.")
            }
            layout = nil
            live = Live(
                reader: try CorpusReader(inputs: inputs, options: readerOptions),
                tokenizer: try ChunkTokenizer(configuration: configuration, options: encoding, workers: workers),
                vocabulary: vocabulary, workers: workers)
        }
    }

    /// The markers the source's sequences carry: those `tokenize` wrote into the shards, or those
    /// the live tokenizer's encoding options give.
    var sourceMarkers: SequenceMarkers {
        (layout?.manifest.encoding ?? live?.tokenizer.options)?.lengthPolicy.markers ?? .none
    }

    /// A fresh pass over the source: one epoch's batches of `split`, in the order fixed by the
    /// options and `epoch`. `skippingBatches` replays and discards that many batches, so a
    /// resumed run sees exactly the batches an uninterrupted run would.
    public func batches(epoch: Int, split: DataSplit, skippingBatches: Int = 0) -> EpochBatches {
        EpochBatches(stream: self, epoch: epoch, split: split, skippingBatches: skippingBatches)
    }

    /// The rest of the epoch a checkpoint stopped in.
    public func batches(from position: EpochPosition, split: DataSplit) -> EpochBatches {
        batches(epoch: position.epoch, split: split, skippingBatches: position.batchesConsumed)
    }

    /// The order shards are read in this epoch: in order without shuffling; a seeded
    /// permutation per epoch with it (so a small shuffle buffer still mixes the whole corpus).
    func shardOrder(epoch: Int) -> [Int] {
        guard let layout else { return [] }
        var order = Array(layout.shards.indices)
        guard options.shuffleBuffer > 0 else { return order }
        var generator = Xoshiro256StarStar(seed: options.shuffleSeed, epoch: epoch, stream: 2)
        if order.count > 1 {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, generator.nextIndex(below: index + 1))
            }
        }
        return order
    }
}
