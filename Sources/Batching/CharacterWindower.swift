/// Stage (character windows): the split's ids as one stream, cut into windows of `window + 1`
/// ids starting every `stride` ids (char-rnn style: inputs are a window's first `window` ids,
/// targets its last `window`). Window `k` starts at id `k × stride` of the stream and has
/// position `k`. An incomplete window at the end is left out.
///
/// Ids are appended as blocks arrive; ``cut(into:limit:)`` emits at most `limit` windows at a
/// time, because with stride 1 the windows hold `window + 1` times the ids of their input.
struct CharacterWindower {
    let window: Int
    let stride: Int
    /// Ids not yet behind every future window; `stream[0]` is id `streamStart` of the stream.
    private var stream: [Int32] = []
    private var streamStart: Int64 = 0
    private var nextStart: Int64 = 0
    private var nextIndex: Int64 = 0

    init(window: Int, stride: Int) {
        self.window = window
        self.stride = stride
    }

    mutating func append(_ input: SequenceBlock) {
        stream.append(contentsOf: input.ids)
    }

    /// Whether a complete window is waiting.
    var hasWindow: Bool { nextStart + Int64(window + 1) <= streamStart + Int64(stream.count) }

    /// Emits up to `limit` complete windows (each `window + 1` ids) into `output`.
    mutating func cut(into output: inout SequenceBlock, limit: Int) {
        output.removeAll()
        let span = window + 1
        stream.withUnsafeBufferPointer { stream in
            var emitted = 0
            while emitted < limit && hasWindow {
                let offset = Int(nextStart - streamStart)
                output.append(UnsafeBufferPointer(rebasing: stream[offset..<offset + span]), position: nextIndex)
                nextStart += Int64(stride)
                nextIndex += 1
                emitted += 1
            }
        }
        // Ids before the next window's start are never needed again.
        let behind = min(stream.count, Int(nextStart - streamStart))
        if behind > 0 && (behind >= stream.count / 2 || !hasWindow) {
            stream.removeFirst(behind)
            streamStart += Int64(behind)
        }
    }
}
