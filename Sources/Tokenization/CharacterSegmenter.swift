/// The `character` level: extended grapheme clusters from ICU's character break iterator, so an
/// emoji ZWJ sequence, a flag, "e\u{301}" or "\r\n" is one token. Every cluster is kept
/// (spaces included), which makes decoding a plain concatenation.
final class CharacterSegmenter {
    private let iterator: ICUBreakIterator

    init(locale: String) throws(TokenizationError) {
        iterator = try ICUBreakIterator(.character, locale: locale)
    }

    func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        try iterator.forEachSpan(in: text, body)
    }
}
