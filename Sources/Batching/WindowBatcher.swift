/// Stage (character windows): `batchSize` windows per batch, in arrival order; the last,
/// smaller batch is kept unless `dropRemainder`.
struct WindowBatcher {
    let batchSize: Int
    let window: Int
    let side: PaddingSide
    let dropRemainder: Bool
    private var rows = SequenceBlock()

    init(_ options: BatchingOptions, window: Int) {
        batchSize = options.batchSize
        self.window = window
        side = options.padding
        dropRemainder = options.dropRemainder
    }

    mutating func push(_ input: SequenceBlock, into batches: inout [Batch]) {
        input.ids.withUnsafeBufferPointer { ids in
            for index in 0..<input.count {
                rows.append(
                    UnsafeBufferPointer(rebasing: ids[input.range(of: index)]), position: input.positions[index])
                if rows.count == batchSize {
                    batches.append(Batch(windows: rows, window: window, side: side))
                    rows.removeAll()
                }
            }
        }
    }

    mutating func finish(into batches: inout [Batch], report: inout BatchingReport) {
        guard !rows.isEmpty else { return }
        if dropRemainder {
            report.droppedRemainder += rows.count
        } else {
            batches.append(Batch(windows: rows, window: window, side: side))
        }
        rows.removeAll()
    }
}
