/// The `word` level: ICU word break (UAX #29 plus dictionaries for CJK, Thai, Lao, Khmer and
/// Burmese), filtered by each segment's rule status.
///
/// ICU tags the boundary ending a segment with a status range: 0..<100 none (spaces,
/// punctuation, symbols, emoji), 100..<200 number, 200..<300 letter, 300..<400 kana,
/// 400..<500 ideograph. Number/letter/kana/ideograph segments are words; "none" segments are
/// whitespace (never tokens) or punctuation and symbols (tokens when `keepsPunctuation`).
final class WordSegmenter {
    private let iterator: ICUBreakIterator
    private let keepsPunctuation: Bool
    /// Boundaries are fetched in batches: one C call per batch instead of two per token.
    private static let batchCapacity = 256
    private let boundaries: UnsafeMutablePointer<Int32>
    private let ruleStatuses: UnsafeMutablePointer<Int32>

    /// ICU's UBRK_WORD_NONE_LIMIT: statuses at or above it are words.
    private static let firstWordStatus: Int32 = 100

    /// Whether the iterator runs the rules `PlainTextWordBreak` reproduces, so that plain text
    /// may skip ICU (see there).
    let plainTextIsExact: Bool

    init(locale: String, keepsPunctuation: Bool) throws(TokenizationError) {
        iterator = try ICUBreakIterator(.word, locale: locale)
        self.keepsPunctuation = keepsPunctuation
        plainTextIsExact = PlainTextWordBreak.isExact(forRules: try iterator.binaryRules())
        boundaries = .allocate(capacity: Self.batchCapacity)
        ruleStatuses = .allocate(capacity: Self.batchCapacity)
    }

    deinit {
        boundaries.deallocate()
        ruleStatuses.deallocate()
    }

    func forEachSegment(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        try iterator.setText(text)
        var start = 0
        while true {
            let count = iterator.nextBatch(
                boundaries: boundaries, ruleStatuses: ruleStatuses, capacity: Self.batchCapacity)
            if count == 0 { break }
            for index in 0..<count {
                let end = Int(boundaries[index])
                if ruleStatuses[index] >= Self.firstWordStatus {
                    body(UnsafeBufferPointer(start: base + start, count: end - start))
                } else if keepsPunctuation {
                    // Whitespace runs are "none" segments too; a space can also carry a trailing
                    // format or combining character, which is kept without the space.
                    let symbol = UnicodeWhitespace.trimmed(UnsafeBufferPointer(start: base + start, count: end - start))
                    if !symbol.isEmpty { body(symbol) }
                }
                start = end
            }
        }
    }
}
