/// Stage 1 of tokenization: UTF-8 → UTF-16, Unicode normalization, then lowercasing.
///
/// Each step writes into its own reusable buffer and is skipped when it would not change the text
/// (ICU's quick check for normalization; an ASCII scan for lowercasing), so clean ASCII input costs
/// one conversion plus a scan. Not thread-safe: owned by one `Tokenizer`.
final class Normalizer {
    private let normalizer: ICUNormalizer?
    private let lowercaseLocale: String?
    /// ASCII text may be lowercased without ICU unless the locale changes ASCII letters
    /// (Turkish and Azeri map "I" to dotless "ı").
    let asciiLowercaseIsPlain: Bool

    private let converted = UTF16Buffer()
    private let normalized = UTF16Buffer()
    private let lowercased = UTF16Buffer()

    init(normalization: Normalization, lowercaseLocale: String?) throws(TokenizationError) {
        switch normalization {
        case .none: normalizer = nil
        case .nfc: normalizer = try ICUNormalizer(.nfc)
        case .nfkc: normalizer = try ICUNormalizer(.nfkc)
        case .nfkcCasefold: normalizer = try ICUNormalizer(.nfkcCasefold)
        }
        if let locale = lowercaseLocale, !ICUSystemCalls.localeIsKnown(locale) {
            throw .invalidLocale(locale)
        }
        self.lowercaseLocale = lowercaseLocale
        let language = lowercaseLocale.map(ICUSystemCalls.localeLanguage) ?? ""
        asciiLowercaseIsPlain = language != "tr" && language != "az"
    }

    /// Converts and normalizes a UTF-8 record. The result points into this normalizer's buffers
    /// and stays valid until the next call.
    func normalize(utf8: UnsafeBufferPointer<UInt8>) throws(TokenizationError) -> UnsafeBufferPointer<UInt16> {
        try lowercase(normalizeKeepingCase(utf8: utf8))
    }

    /// Normalizes UTF-16 text (never modified). The result may be `utf16` itself when nothing
    /// changes, or point into this normalizer's buffers (valid until the next call).
    func normalize(utf16: UnsafeBufferPointer<UInt16>) throws(TokenizationError) -> UnsafeBufferPointer<UInt16> {
        try lowercase(normalizeKeepingCase(utf16: utf16))
    }

    /// Conversion and Unicode normalization only. Sentence splitting needs the original case
    /// ("… Washington. he said" is not a sentence break for ICU), so it runs on this and lowercases
    /// sentence by sentence with `lowercase(_:)`.
    func normalizeKeepingCase(utf8: UnsafeBufferPointer<UInt8>) throws(TokenizationError) -> UnsafeBufferPointer<UInt16>
    {
        let count = try ICUSystemCalls.convertUTF8(utf8, into: converted)
        return try normalizeKeepingCase(utf16: converted.prefix(count))
    }

    func normalizeKeepingCase(utf16 text: UnsafeBufferPointer<UInt16>) throws(TokenizationError) -> UnsafeBufferPointer<
        UInt16
    > {
        if let normalizer, let count = try normalizer.normalize(text, into: normalized) {
            return normalized.prefix(count)
        }
        return text
    }

    /// Lowercases per the configured locale (or returns `text` unchanged when not lowercasing).
    /// The result lives in a buffer of its own, so `text` may point into the other buffers and
    /// stays valid; the result is valid until the next call.
    func lowercase(_ text: UnsafeBufferPointer<UInt16>) throws(TokenizationError) -> UnsafeBufferPointer<UInt16> {
        guard let locale = lowercaseLocale else { return text }
        let count: Int
        if asciiLowercaseIsPlain, let asciiCount = lowercaseASCII(text, into: lowercased) {
            count = asciiCount
        } else {
            count = try ICUSystemCalls.lowercase(text, locale: locale, into: lowercased)
        }
        return lowercased.prefix(count)
    }

    /// Lowercases all-ASCII text into `destination`; returns nil (work partly done, to be redone
    /// by ICU) as soon as a non-ASCII unit appears.
    @inline(__always)
    private func lowercaseASCII(_ source: UnsafeBufferPointer<UInt16>, into destination: UTF16Buffer) -> Int? {
        destination.reserve(source.count)
        let output = destination.base
        for index in 0..<source.count {
            let unit = source[index]
            if unit >= 0x80 { return nil }
            // "A"..."Z" → "a"..."z" by setting bit 5; branch-free on the common path.
            let isUpper: UInt16 = (unit &- 0x41) < 26 ? 0x20 : 0
            output[index] = unit | isUpper
        }
        return source.count
    }
}
