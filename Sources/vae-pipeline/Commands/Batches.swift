import ArgumentParser
import Batching
import CorpusReader
import Foundation
import TokenShards
import Tokenization

extension PaddingSide: ExpressibleByArgument {}
extension BucketMode: ExpressibleByArgument {}
extension DataSplit: ExpressibleByArgument {}

extension VAEPipeline {
    /// `vae-pipeline batches`: runs the batching stages alone over token shards and reports them.
    struct Batches: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run the batching stages over token shards and report batches, padding efficiency, drops and speed.",
            discussion: """
                Shows what a training run's batching settings do to a corpus — how much padding \
                bucketing saves, how many sequences the length policy drops — and how fast the \
                stages run (they must never be the trainer's bottleneck). Shards come from \
                'vae-pipeline tokenize'.
                """)

        @Option(help: ArgumentHelp("Token shards written by 'vae-pipeline tokenize'.", valueName: "dir"))
        var shards: String

        @Option(help: "Sequences per batch.")
        var batchSize: Int = 32

        @Option(help: "Longest sequence kept (see --over-length).")
        var maxLength: Int?

        @Option(help: "Sequences over --max-length: truncate or drop.")
        var overLength: OverLengthPolicy = .truncate

        @Option(
            help: ArgumentHelp(
                "Bucket boundaries, comma-separated increasing lengths (e.g. 8,12,16).", valueName: "list"))
        var buckets: String?

        @Option(
            help: """
                With --buckets: longest (pad to the batch's longest; the default), edge (to the bucket's edge) \
                or exact (equal lengths only).
                """
        )
        var bucketMode: BucketMode?

        @Option(help: "post or pre (Keras) padding.")
        var padding: PaddingSide = .post

        @Option(help: "Shuffle buffer size in sequences (0: stream order).")
        var shuffleBuffer: Int = 0

        @Option(help: "With --shuffle-buffer: shuffle seed (default 0).")
        var seed: UInt64?

        @Option(help: "Share held out for validation by a stable hash of position.")
        var validationFraction: Double = 0

        @Option(help: "Which split to batch: train, validation (both need --validation-fraction) or all.")
        var split: DataSplit = .all

        @Option(help: "Character windows of this length (targets shifted by one) instead of sequences.")
        var window: Int?

        @Option(help: "Step between character windows.")
        var stride: Int?

        @Option(help: "Passes over the shards.")
        var epochs: Int = 1

        @Flag(help: "Print the report as one JSON object.")
        var json = false

        func options() throws -> BatchingOptions {
            var options = BatchingOptions()
            options.batchSize = batchSize
            options.maxLength = maxLength
            options.overLength = overLength
            if let buckets {
                let values = buckets.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard values.allSatisfy({ $0 != nil }) else {
                    throw ValidationError(
                        "--buckets must be comma-separated whole numbers such as 8,12,16; '\(buckets)' was given.")
                }
                options.bucketBoundaries = values.compactMap { $0 }
            }
            options.bucketMode = bucketMode ?? .longest
            options.padding = padding
            options.shuffleBuffer = shuffleBuffer
            options.shuffleSeed = seed ?? 0
            options.validationFraction = validationFraction
            options.window = window
            options.stride = stride ?? window
            try options.validate()
            return options
        }

        func validate() throws {
            if epochs < 1 { throw ValidationError("--epochs must be at least 1.") }
            // Each of these is read only together with another option; alone it would do nothing.
            if bucketMode != nil && buckets == nil {
                throw ValidationError("--bucket-mode applies to buckets; give --buckets too, or drop --bucket-mode.")
            }
            if seed != nil && shuffleBuffer == 0 {
                throw ValidationError("--seed seeds the shuffle; give --shuffle-buffer too, or drop --seed.")
            }
            if split != .all && validationFraction == 0 {
                throw ValidationError(
                    "--split \(split.rawValue) needs --validation-fraction above 0; "
                        + "without it every sequence is in the train split."
                )
            }
            _ = try options()
        }

        func run() async throws {
            let stream = try BatchStream(
                source: .shards(directory: URL(fileURLWithPath: shards)), options: try options())
            let started = ContinuousClock.now
            var total = BatchingReport()
            var rows = 0
            for epoch in 0..<epochs {
                var iterator = stream.batches(epoch: epoch, split: split).makeAsyncIterator()
                while let batch = try await iterator.next() { rows += batch.batchSize }
                let report = iterator.report
                total.batches += report.batches
                total.tokens += report.tokens
                total.paddedPositions += report.paddedPositions
                total.sequences += report.sequences
                total.sequencesKept += report.sequencesKept
                total.windows += report.windows
                total.droppedEmpty += report.droppedEmpty
                total.droppedTooLong += report.droppedTooLong
                total.truncated += report.truncated
                total.droppedRemainder += report.droppedRemainder
            }
            let seconds = max(1e-9, started.duration(to: .now).seconds)
            if json {
                struct Output: Encodable {
                    var report: BatchingReport
                    var rows: Int
                    var seconds: Double
                    var rowsPerSecond: Double
                    var paddingEfficiency: Double
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(
                    String(
                        decoding: try encoder.encode(
                            Output(
                                report: total, rows: rows, seconds: seconds,
                                rowsPerSecond: Double(rows) / seconds,
                                paddingEfficiency: total.paddingEfficiency)), as: UTF8.self))
                return
            }
            let noun = window == nil ? "sequences" : "windows"
            print(
                "batches     \(Format.count(total.batches)) of up to \(batchSize) (\(Format.count(rows)) \(noun), "
                    + "\(split.rawValue) split, \(epochs) epoch\(epochs == 1 ? "" : "s"))"
            )
            print(
                "tokens      \(Format.count(total.tokens)) in \(Format.count(total.paddedPositions)) padded positions: "
                    + "padding efficiency \(Format.decimal(total.paddingEfficiency * 100))%"
            )
            print(
                "length      \(Format.count(total.truncated)) truncated, "
                    + "\(Format.count(total.droppedTooLong)) dropped too long, "
                    + "\(Format.count(total.droppedEmpty)) empty, "
                    + "\(Format.count(total.droppedRemainder)) in short last batches dropped"
            )
            print(
                "speed       \(Format.count(Int(Double(rows) / seconds))) \(noun)/s "
                    + "(\(Format.decimal(seconds, digits: 2)) s)"
            )
        }
    }
}
