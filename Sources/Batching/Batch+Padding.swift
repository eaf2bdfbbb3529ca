import Support
import Tokenization

extension Batch {
    /// Pads the sequences of `rows` (all of them, in order) to `time` ids on `side`.
    /// `time` must be at least the longest sequence.
    init(padding rows: SequenceBlock, time: Int, side: PaddingSide) {
        let batchSize = rows.count
        var ids = [Int32](repeating: SpecialToken.padding.id, count: batchSize * time)
        var lengths = [Int](repeating: 0, count: batchSize)
        ids.withUnsafeMutableBufferPointer { output in
            rows.ids.withUnsafeBufferPointer { input in
                for row in 0..<batchSize {
                    let range = rows.range(of: row)
                    lengths[row] = range.count
                    let start = row * time + (side == .pre ? time - range.count : 0)
                    _ = UnsafeMutableBufferPointer(rebasing: output[start..<start + range.count])
                        .initialize(from: UnsafeBufferPointer(rebasing: input[range]))
                }
            }
        }
        self.init(
            ids: ids, batchSize: batchSize, time: time, lengths: lengths, positions: rows.positions, padding: side)
    }

    /// Character windows of `window + 1` ids each: inputs are the first `window` ids of each,
    /// targets the last `window`.
    init(windows rows: SequenceBlock, window: Int, side: PaddingSide) {
        let batchSize = rows.count
        var ids = [Int32](repeating: 0, count: batchSize * window)
        var targets = [Int32](repeating: 0, count: batchSize * window)
        rows.ids.withUnsafeBufferPointer { input in
            ids.withUnsafeMutableBufferPointer { ids in
                targets.withUnsafeMutableBufferPointer { targets in
                    for row in 0..<batchSize {
                        let start = rows.range(of: row).lowerBound
                        for t in 0..<window {
                            ids[row * window + t] = input[start + t]
                            targets[row * window + t] = input[start + t + 1]
                        }
                    }
                }
            }
        }
        self.init(
            ids: ids, batchSize: batchSize, time: window, lengths: Array(repeating: window, count: batchSize),
            positions: rows.positions, padding: side, targets: targets)
    }
}
