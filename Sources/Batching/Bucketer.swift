/// Stage: groups sequences into batches.
///
/// - No boundaries (`longest`): batches of `batchSize` in arrival order, padded to the longest.
/// - Boundaries `[b0, …, bn-1]` (tf.data `bucket_by_sequence_length`): bucket `i` holds lengths
///   in `[b(i-1), b(i))` (bucket 0: `< b0`, bucket n: `≥ bn-1`); a bucket that reaches
///   `batchSize` is emitted at once. `longest` pads to the batch's longest, `edge` to `b(i) − 1`
///   (the last bucket to its longest).
/// - `exact`: one bucket per length, so batches need no padding.
///
/// At the end, partial buckets are emitted in bucket order (shortest first) unless
/// `dropRemainder`.
struct Bucketer {
    let batchSize: Int
    let boundaries: [Int]
    let mode: BucketMode
    let side: PaddingSide
    let dropRemainder: Bool
    private var buckets: [SequenceBlock]
    /// `exact` mode: the bucket of each length.
    private var bucketOfLength: [Int: Int] = [:]

    init(_ options: BatchingOptions) {
        batchSize = options.batchSize
        boundaries = options.bucketBoundaries ?? []
        mode = options.bucketMode
        side = options.padding
        dropRemainder = options.dropRemainder
        buckets = mode == .exact ? [] : Array(repeating: SequenceBlock(), count: boundaries.count + 1)
    }

    mutating func push(_ input: SequenceBlock, into batches: inout [Batch]) {
        input.ids.withUnsafeBufferPointer { ids in
            for index in 0..<input.count {
                let range = input.range(of: index)
                let bucket = self.bucket(forLength: range.count)
                buckets[bucket].append(UnsafeBufferPointer(rebasing: ids[range]), position: input.positions[index])
                if buckets[bucket].count == batchSize {
                    batches.append(makeBatch(bucket))
                    buckets[bucket].removeAll()
                }
            }
        }
    }

    /// Emits (or, with `dropRemainder`, counts and drops) the partial buckets.
    mutating func finish(into batches: inout [Batch], report: inout BatchingReport) {
        let order = mode == .exact ? bucketOfLength.sorted { $0.key < $1.key }.map(\.value) : Array(buckets.indices)
        for bucket in order where !buckets[bucket].isEmpty {
            if dropRemainder {
                report.droppedRemainder += buckets[bucket].count
            } else {
                batches.append(makeBatch(bucket))
            }
            buckets[bucket].removeAll()
        }
    }

    @inline(__always)
    private mutating func bucket(forLength length: Int) -> Int {
        if mode == .exact {
            if let bucket = bucketOfLength[length] { return bucket }
            buckets.append(SequenceBlock())
            bucketOfLength[length] = buckets.count - 1
            return buckets.count - 1
        }
        var bucket = 0
        while bucket < boundaries.count && length >= boundaries[bucket] { bucket += 1 }
        return bucket
    }

    private func makeBatch(_ bucket: Int) -> Batch {
        let rows = buckets[bucket]
        var longest = 0
        for index in 0..<rows.count { longest = max(longest, rows.range(of: index).count) }
        let time = mode == .edge && bucket < boundaries.count ? max(longest, boundaries[bucket] - 1) : longest
        return Batch(padding: rows, time: time, side: side)
    }
}
