import Support
import Tokenization

/// Stage: brings each sequence from its source's form to the batch's under one ``LengthPolicy``
/// (the tokenizer's rule): the source's markers come off (shards written by
/// `tokenize --bos-eos`), empty sequences are dropped, over-long ones truncated or dropped, and
/// the batch's markers go on. Counts each case and the `<unk>` ids kept.
struct LengthStage {
    let policy: LengthPolicy
    /// The markers the source's sequences carry.
    let sourceMarkers: SequenceMarkers

    init(_ options: BatchingOptions, sourceMarkers: SequenceMarkers) {
        policy = options.lengthPolicy
        self.sourceMarkers = sourceMarkers
    }

    func apply(_ input: SequenceBlock, into output: inout SequenceBlock, report: inout BatchingReport) {
        let limit = policy.bodyLimit
        var unknown = 0
        var changes = policy.markers != .none || sourceMarkers != .none
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
        output.ids.reserveCapacity(input.ids.count + policy.markers.count * input.count)
        unknown = 0
        input.ids.withUnsafeBufferPointer { ids in
            for index in 0..<input.count {
                var range = sourceMarkers.body(of: input.range(of: index), in: ids)
                switch policy.verdict(forLength: range.count) {
                case .empty:
                    report.droppedEmpty += 1
                    continue
                case .tooLong:
                    report.droppedTooLong += 1
                    continue
                case .truncated(let length):
                    range = range.lowerBound..<range.lowerBound + length
                    report.truncated += 1
                case .kept:
                    break
                }
                for id in ids[range] where id == SpecialToken.unknown.id { unknown += 1 }
                policy.markers.appendOpening(to: &output.ids)
                output.ids.append(contentsOf: UnsafeBufferPointer(rebasing: ids[range]))
                policy.markers.appendClosing(to: &output.ids)
                output.ends.append(output.ids.count)
                output.positions.append(input.positions[index])
            }
        }
        report.unknownTokens += unknown
        report.sequencesKept += output.count
    }
}
