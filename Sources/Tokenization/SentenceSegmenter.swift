/// The `sentence` level (and the first pass of `Tokenizer.forEachTokenBySentence`): ICU sentence
/// break (UAX #29), each sentence trimmed of surrounding whitespace, empty ones skipped.
final class SentenceSegmenter {
    private let iterator: ICUBreakIterator

    init(locale: String) throws(TokenizationError) {
        iterator = try ICUBreakIterator(.sentence, locale: locale)
    }

    func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        try iterator.forEachSpan(in: text) { span in
            let sentence = UnicodeWhitespace.trimmed(span)
            if !sentence.isEmpty { body(sentence) }
        }
    }
}
