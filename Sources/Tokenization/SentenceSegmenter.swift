/// The `sentence` level (and the first pass of `Tokenizer.forEachTokenBySentence`): ICU sentence
/// break (UAX #29), each sentence trimmed of surrounding whitespace, empty ones skipped.
final class SentenceSegmenter {
    private let iterator: ICUBreakIterator

    init(locale: String) throws(TokenizationError) {
        iterator = try ICUBreakIterator(.sentence, locale: locale)
    }

    func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void) throws(TokenizationError) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        try iterator.setText(text)
        var start = 0
        while let end = iterator.next() {
            let sentence = UnicodeWhitespace.trimmed(UnsafeBufferPointer(start: base + start, count: end - start))
            if !sentence.isEmpty { body(sentence) }
            start = end
        }
    }
}
