import Synchronization

/// What a tokenizer's normalization and lowercasing do to each plain-text character, taken from
/// ICU for one configuration: the unit ICU would produce, or ``notPlain`` where ICU would look at
/// the neighbours (or produce more than one unit), which sends the record to ICU.
///
/// A character is kept only when ICU's answer cannot depend on its context:
/// - its word-break class is one ``PlainTextWordBreak`` handles, and so is its result's;
/// - normalization has a boundary before it (`unorm2_hasBoundaryBefore`: ccc 0 and no backward
///   composition), so text of such characters normalizes one character at a time — combining
///   marks thus stay plain only without normalization;
/// - lowercasing it alone, after "A", "I" or "a", and before "A" gives the same unit: this leaves
///   out Σ (final sigma) and, in Lithuanian, the accents that add a dot to "i".
///
/// Tables are built once per normalization and lowercasing locale and shared by all tokenizers.
final class PlainTextMapping: Sendable {
    /// The table's mark for "not plain text" (no plain-text character maps to U+0000).
    static let notPlain: UInt16 = 0

    /// Whether ASCII letters are lowercased (the table says the same for ASCII).
    let lowercasesASCII: Bool
    /// One unit per code point below ``PlainText/limit``.
    nonisolated(unsafe) let units: UnsafeMutablePointer<UInt16>

    private init(lowercasesASCII: Bool, units: UnsafeMutablePointer<UInt16>) {
        self.lowercasesASCII = lowercasesASCII
        self.units = units
    }

    deinit { units.deallocate() }

    /// What conversion reads, without the object: valid while the mapping lives (mappings are
    /// cached for the whole process).
    struct Table {
        let lowercasesASCII: Bool
        let units: UnsafeMutablePointer<UInt16>
    }

    var table: Table { Table(lowercasesASCII: lowercasesASCII, units: units) }

    private struct Key: Hashable {
        let normalization: Normalization
        let lowercaseLocale: String?
    }

    private static let cache = Mutex<[Key: PlainTextMapping]>([:])

    /// The mapping for a configuration (built on first use), or nil when ASCII itself is not
    /// mapped plainly (Turkish and Azeri lowercase "I" to "ı").
    static func mapping(normalization: Normalization, lowercaseLocale: String?) throws(TokenizationError)
        -> PlainTextMapping?
    {
        let key = Key(normalization: normalization, lowercaseLocale: lowercaseLocale)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        guard let built = try build(normalization: normalization, lowercaseLocale: lowercaseLocale) else { return nil }
        return cache.withLock { cache in
            if let existing = cache[key] { return existing }
            cache[key] = built
            return built
        }
    }

    private static func build(normalization: Normalization, lowercaseLocale: String?) throws(TokenizationError)
        -> PlainTextMapping?
    {
        let normalizer: ICUNormalizer?
        switch normalization {
        case .none: normalizer = nil
        case .nfc: normalizer = try ICUNormalizer(.nfc)
        case .nfkc: normalizer = try ICUNormalizer(.nfkc)
        case .nfkcCasefold: normalizer = try ICUNormalizer(.nfkcCasefold)
        }
        let scratch = UTF16Buffer(capacity: 64)
        let lowered = UTF16Buffer(capacity: 64)

        /// ICU's normalization of `text`.
        func normalize(_ text: [UInt16]) throws(TokenizationError) -> [UInt16] {
            guard let normalizer else { return text }
            let count = try text.withUnsafeBufferPointer { (buffer) throws(TokenizationError) in
                try normalizer.normalize(buffer, into: scratch)
            }
            return count.map { Array(scratch.prefix($0)) } ?? text
        }
        /// ICU's lowercasing of `text` for the configured locale.
        func lowercase(_ text: [UInt16]) throws(TokenizationError) -> [UInt16] {
            guard let lowercaseLocale else { return text }
            let count = try text.withUnsafeBufferPointer { (buffer) throws(TokenizationError) in
                try ICUSystemCalls.lowercase(buffer, locale: lowercaseLocale, into: lowered)
            }
            return Array(lowered.prefix(count))
        }

        let classes = PlainTextWordBreak.classes
        let limit = Int(PlainText.limit)
        let units = UnsafeMutablePointer<UInt16>.allocate(capacity: limit)
        units.initialize(repeating: notPlain, count: limit)
        let mapping = PlainTextMapping(
            lowercasesASCII: lowercaseLocale != nil || normalization == .nfkcCasefold, units: units)
        let contexts: [(before: [UInt16], after: [UInt16])] = [
            ([], []), ([0x41], []), ([0x49], []), ([0x61], []), ([], [0x41]), ([0x41], [0x41])
        ]
        /// The unit ICU turns `unit` into wherever it stands, or nil when that depends on context.
        func plainResult(_ unit: UInt16) throws(TokenizationError) -> UInt16? {
            if let normalizer, !normalizer.hasBoundaryBefore(UInt32(unit)) { return nil }
            let normalized = try normalize([unit])
            guard normalized.count == 1 else { return nil }
            var result: UInt16?
            for context in contexts {
                let parts = try lowercase(context.before) + lowercase(normalized) + lowercase(context.after)
                let whole = try lowercase(context.before + normalized + context.after)
                guard parts == whole, whole.count == context.before.count + 1 + context.after.count else { return nil }
                let mapped = whole[context.before.count]
                guard result == nil || result == mapped else { return nil }
                result = mapped
            }
            return result
        }

        for codePoint in 0..<UInt32(limit) where classes[Int(codePoint)] != PlainTextWordBreak.uncovered {
            let unit = UInt16(codePoint)
            let result = try plainResult(unit)
            if codePoint < 0x80 {
                // ASCII is converted by arithmetic, not the table: it must agree with ICU.
                let arithmetic = mapping.lowercasesASCII && (0x41...0x5A).contains(unit) ? unit | 0x20 : unit
                guard result == arithmetic else { return nil }
            } else if let result, UInt32(result) < PlainText.limit, classes[Int(result)] != PlainTextWordBreak.uncovered
            {
                units[Int(codePoint)] = result
            }
        }

        return mapping
    }
}
