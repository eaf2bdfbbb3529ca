/// The `whitespace` level: maximal runs of non-White_Space characters.
///
/// Pure Swift over the UTF-16 buffer (no ICU), so pre-tokenized corpora go at memory speed and
/// markup such as "<unk>" survives intact.
struct WhitespaceSegmenter {
    @inline(__always)
    func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var index = 0
        while index < count {
            while index < count, UnicodeWhitespace.contains(base[index]) { index += 1 }
            let start = index
            while index < count, !UnicodeWhitespace.contains(base[index]) { index += 1 }
            if index > start { body(UnsafeBufferPointer(start: base + start, count: index - start)) }
        }
    }
}
