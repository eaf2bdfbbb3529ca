/// Stage: keeps the sequences of one ``DataSplit``, decided by a hash of each position.
struct SplitFilter {
    let split: DataSplit
    let validationFraction: Double

    /// `output` receives the sequences of `input` in the split, in order.
    func apply(_ input: SequenceBlock, into output: inout SequenceBlock, report: inout BatchingReport) {
        report.sequences += input.count
        // Everything passes: hand the block on without copying (arrays are copy-on-write).
        if split == .all || (split == .train && validationFraction == 0) {
            output = input
            report.sequencesInSplit += input.count
            return
        }
        output.removeAll()
        input.ids.withUnsafeBufferPointer { ids in
            for index in 0..<input.count
            where split.contains(position: input.positions[index], validationFraction: validationFraction) {
                output.append(
                    UnsafeBufferPointer(rebasing: ids[input.range(of: index)]), position: input.positions[index])
            }
        }
        report.sequencesInSplit += output.count
    }
}
