import Corpus
import Support
import Tokenization

/// Stage: drops empty sequences, adds `<bos>`/`<eos>` when asked, and truncates or drops
/// sequences over the maximum length (which counts `<bos>`/`<eos>`); counts each case and the
/// `<unk>` ids kept. Truncation keeps the first ids and, when added, `<eos>` as the last one —
/// the same rule as the tokenizer's, so a cut here equals a cut there.
struct LengthPolicy {
    let maxLength: Int?
    let overLength: OverLengthPolicy
    let addBeginAndEnd: Bool
    /// Only `<eos>` after each sequence (character models: a line's end, one symbol like a newline).
    let appendEnd: Bool

    init(_ options: BatchingOptions) {
        maxLength = options.maxLength
        overLength = options.overLength
        addBeginAndEnd = options.addBeginAndEnd
        appendEnd = options.appendEnd && !options.addBeginAndEnd
    }

    func apply(_ input: SequenceBlock, into output: inout SequenceBlock, report: inout BatchingReport) {
        let extra = addBeginAndEnd ? 2 : appendEnd ? 1 : 0
        let limit = maxLength.map { $0 - extra } ?? Int.max
        var unknown = 0
        var changes = addBeginAndEnd || appendEnd
        input.ids.withUnsafeBufferPointer { ids in
            for id in ids where id == SpecialToken.unknown.id { unknown += 1 }
            if !changes {
                var start = 0
                for end in input.ends {
                    if end == start || end - start > limit { changes = true; break }
                    start = end
                }
            }
        }
        guard changes else {
            // The common case (no policy applies): pass the block on without copying.
            output = input
            report.unknownTokens += unknown
            report.sequencesKept += input.count
            return
        }
        output.removeAll()
        output.ids.reserveCapacity(input.ids.count + extra * input.count)
        unknown = 0
        input.ids.withUnsafeBufferPointer { ids in
            for index in 0..<input.count {
                var range = input.range(of: index)
                if range.isEmpty {
                    report.droppedEmpty += 1
                    continue
                }
                if range.count > limit {
                    if overLength == .drop {
                        report.droppedTooLong += 1
                        continue
                    }
                    range = range.lowerBound..<range.lowerBound + limit
                    report.truncated += 1
                }
                for id in ids[range] where id == SpecialToken.unknown.id { unknown += 1 }
                if addBeginAndEnd { output.ids.append(SpecialToken.begin.id) }
                output.ids.append(contentsOf: UnsafeBufferPointer(rebasing: ids[range]))
                if addBeginAndEnd || appendEnd { output.ids.append(SpecialToken.end.id) }
                output.ends.append(output.ids.count)
                output.positions.append(input.positions[index])
            }
        }
        report.unknownTokens += unknown
        report.sequencesKept += output.count
    }
}
