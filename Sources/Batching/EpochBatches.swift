import Foundation
import Support
import TokenShards

/// One epoch's batches of one split: an `AsyncSequence` of ``Batch``. Each iterator is a fresh,
/// independent pass; its ``AsyncIterator/report`` says what the pass has met.
public struct EpochBatches: AsyncSequence, Sendable {
    public typealias Element = Batch

    public let stream: BatchStream
    public let epoch: Int
    public let split: DataSplit
    public let skippingBatches: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: stream, epoch: epoch, split: split, skippingBatches: skippingBatches)
    }

    /// Drives the stages: pulls a source block whenever no batch is waiting.
    public struct AsyncIterator: AsyncIteratorProtocol {
        /// Readable at any time; final once ``next()`` has returned nil.
        public private(set) var report = BatchingReport()

        private let options: BatchingOptions
        private var shards: ShardSequenceReader?
        private var live: LiveSequenceReader?
        private let splitFilter: SplitFilter
        private let lengthStage: LengthStage
        private var windower: CharacterWindower?
        private var shuffle: ShuffleBuffer
        private var bucketer: Bucketer
        private var windowBatcher: WindowBatcher?
        // Stage outputs, reused block after block.
        private var sourceBlock = SequenceBlock()
        private var splitBlock = SequenceBlock()
        private var keptBlock = SequenceBlock()
        private var windowBlock = SequenceBlock()
        private var shuffledBlock = SequenceBlock()
        private var pending: [Batch] = []
        private var pendingHead = 0
        private var toSkip: Int
        private var sourceDone = false
        private var failure: BatchingError?
        private var finished = false

        /// Windows cut per step: bounds memory when a stride of 1 multiplies the ids.
        static let windowsPerStep = 4096

        init(stream: BatchStream, epoch: Int, split: DataSplit, skippingBatches: Int) {
            options = stream.options
            splitFilter = SplitFilter(split: split, validationFraction: options.validationFraction)
            lengthStage = LengthStage(options, sourceMarkers: stream.sourceMarkers)
            shuffle = ShuffleBuffer(
                capacity: options.shuffleBuffer,
                generator: Xoshiro256StarStar(seed: options.shuffleSeed, epoch: epoch, stream: 1))
            bucketer = Bucketer(options)
            if let window = options.window, let stride = options.stride {
                windower = CharacterWindower(window: window, stride: stride)
                windowBatcher = WindowBatcher(options, window: window)
            }
            toSkip = Swift.max(0, skippingBatches)
            if epoch < 0 || skippingBatches < 0 {
                failure = .invalidOptions(
                    "Epoch \(epoch) with \(skippingBatches) batches skipped is not a position in training; both must "
                        + "be 0 or more."
                )
            }
            if let layout = stream.layout {
                shards = ShardSequenceReader(layout: layout, order: stream.shardOrder(epoch: epoch))
                report.totalBytes = layout.totalBytes
                report.skippedRecords = layout.manifest.skippedRecords
                report.repairedRecords = layout.manifest.repairedRecords
                report.sourceStatistics = layout.manifest.counts
            } else if let live = stream.live {
                self.live = LiveSequenceReader(
                    reader: live.reader, tokenizer: live.tokenizer, vocabulary: live.vocabulary, workers: live.workers)
            }
        }

        public mutating func next() async throws -> Batch? {
            if let failure {
                self.failure = nil
                finished = true
                throw failure
            }
            while !finished {
                if pendingHead < pending.count {
                    let batch = pending[pendingHead]
                    pending[pendingHead] = Self.released
                    pendingHead += 1
                    if pendingHead == pending.count {
                        pending.removeAll(keepingCapacity: true)
                        pendingHead = 0
                    }
                    if toSkip > 0 {
                        toSkip -= 1
                        report.skippedBatches += 1
                        continue
                    }
                    report.batches += 1
                    report.tokens += batch.tokenCount
                    report.paddedPositions += batch.batchSize * batch.time
                    return batch
                }
                if sourceDone {
                    finished = true
                    break
                }
                try await step()
            }
            return nil
        }

        /// Moves one block through the stages (or, for windows, one limited cut of windows).
        private mutating func step() async throws {
            if var windower, windower.hasWindow {
                windower.cut(into: &windowBlock, limit: Self.windowsPerStep)
                self.windower = windower
                report.windows += windowBlock.count
                shuffle.push(windowBlock, into: &shuffledBlock)
                windowBatcher!.push(shuffledBlock, into: &pending)
                return
            }
            let more: Bool
            if shards != nil {
                more = try shards!.next(into: &sourceBlock, report: &report)
            } else {
                more = try await live!.next(into: &sourceBlock, report: &report)
            }
            guard more else {
                finishStages()
                return
            }
            splitFilter.apply(sourceBlock, into: &splitBlock, report: &report)
            lengthStage.apply(splitBlock, into: &keptBlock, report: &report)
            if windower != nil {
                windower!.append(keptBlock)
            } else {
                shuffle.push(keptBlock, into: &shuffledBlock)
                bucketer.push(shuffledBlock, into: &pending)
            }
        }

        private mutating func finishStages() {
            sourceDone = true
            if let layout = shards?.layout { report.records = layout.manifest.counts.records }
            shuffle.finish(into: &shuffledBlock)
            if windowBatcher != nil {
                windowBatcher!.push(shuffledBlock, into: &pending)
                windowBatcher!.finish(into: &pending, report: &report)
            } else {
                bucketer.push(shuffledBlock, into: &pending)
                bucketer.finish(into: &pending, report: &report)
            }
        }

        /// What a delivered slot of the queue holds, so the queue keeps no batch alive.
        private static let released = Batch(ids: [], batchSize: 0, time: 0, lengths: [], positions: [], padding: .post)
    }
}
