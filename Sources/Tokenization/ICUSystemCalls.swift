import CICUShim

// The one file where Tokenization calls into ICU (through the `CICUShim` C target), in the style of
// swift-nio's SystemCallHelpers: every ICU entry point is wrapped here behind Swift types, status
// codes become `TokenizationError`s, and no C type escapes this file's internal API.

/// Thin wrappers over the `cicu_*` shim functions.
enum ICUSystemCalls {
    /// The Unicode version of the ICU data linked into this process, e.g. "15.0".
    static var unicodeVersion: String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = cicu_unicode_version(&buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// ICU's name for a status code, e.g. "U_ILLEGAL_ARGUMENT_ERROR".
    static func errorName(_ status: Int32) -> String {
        guard let name = cicu_error_name(status) else { return "UErrorCode \(status)" }
        return String(cString: name)
    }

    static let bufferOverflowStatus: Int32 = cicu_buffer_overflow_status()

    /// Throws when `status` is an ICU failure (positive); warnings (negative) pass.
    @inline(__always)
    static func check(_ status: Int32, _ operation: StaticString) throws(TokenizationError) {
        if status > 0 {
            throw TokenizationError.icuFailure(operation: "\(operation)", statusName: errorName(status))
        }
    }

    /// True when `locale` is the root locale ("") or names a language ICU knows (ISO 639).
    static func localeIsKnown(_ locale: String) -> Bool {
        cicu_locale_is_known(locale) == 1
    }

    /// The canonical language subtag of `locale` ("tr" for "tr_TR" and "tr-TR").
    static func localeLanguage(_ locale: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        var status: Int32 = 0
        let length = cicu_locale_language(locale, &buffer, Int32(buffer.count - 1), &status)
        guard status <= 0, length > 0, length < buffer.count else { return "" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// ICU's White_Space property (used to cross-check the built-in table in tests).
    static func isWhiteSpace(_ codePoint: UInt32) -> Bool {
        cicu_is_white_space(codePoint) == 1
    }

    // MARK: Character properties (for tables derived from ICU's own data)

    /// The Word_Break property (UAX #29) of `codePoint` in ICU's data.
    static func wordBreak(_ codePoint: UInt32) -> ICUWordBreak {
        switch cicu_word_break(codePoint) {
        case Int32(CICU_WB_OTHER): .other
        case Int32(CICU_WB_ALETTER): .aLetter
        case Int32(CICU_WB_CR): .cr
        case Int32(CICU_WB_DOUBLE_QUOTE): .doubleQuote
        case Int32(CICU_WB_EXTEND): .extend
        case Int32(CICU_WB_EXTENDNUMLET): .extendNumLet
        case Int32(CICU_WB_FORMAT): .format
        case Int32(CICU_WB_HEBREW_LETTER): .hebrewLetter
        case Int32(CICU_WB_KATAKANA): .katakana
        case Int32(CICU_WB_LF): .lf
        case Int32(CICU_WB_MIDLETTER): .midLetter
        case Int32(CICU_WB_MIDNUM): .midNum
        case Int32(CICU_WB_MIDNUMLET): .midNumLet
        case Int32(CICU_WB_NEWLINE): .newline
        case Int32(CICU_WB_NUMERIC): .numeric
        case Int32(CICU_WB_REGIONAL_INDICATOR): .regionalIndicator
        case Int32(CICU_WB_SINGLE_QUOTE): .singleQuote
        case Int32(CICU_WB_WSEGSPACE): .wSegSpace
        case Int32(CICU_WB_ZWJ): .zwj
        default: .unknown
        }
    }

    /// Whether ICU's word rules treat `codePoint` apart from UAX #29's classes: dictionary scripts
    /// (Thai, Lao, Khmer, Burmese, Han, kana, Hangul) and emoji (Extended_Pictographic).
    static func wordBreakIsSpecial(_ codePoint: UInt32) -> Bool {
        cicu_word_break_is_special(codePoint) == 1
    }

    /// Whether `codePoint` is assigned in ICU's Unicode version.
    static func isAssigned(_ codePoint: UInt32) -> Bool {
        cicu_is_assigned(codePoint) == 1
    }

    // MARK: Transforms into reusable buffers

    /// Converts UTF-8 into `buffer` (replacing it), growing the buffer if needed. Ill-formed
    /// sequences become U+FFFD. Returns the UTF-16 length.
    static func convertUTF8(_ source: UnsafeBufferPointer<UInt8>, into buffer: UTF16Buffer) throws(TokenizationError)
        -> Int
    {
        let sourceCount = source.count
        guard sourceCount <= Int(Int32.max) else {
            throw TokenizationError.recordTooLong(utf8Count: sourceCount)
        }
        guard let base = source.baseAddress, sourceCount > 0 else { return 0 }
        // UTF-16 never needs more units than UTF-8 has bytes, so one pass always suffices.
        buffer.reserve(sourceCount)
        var status: Int32 = 0
        let length = cicu_utf16_from_utf8(buffer.base, Int32(buffer.capacity), base, Int32(sourceCount), &status)
        try check(status, "u_strFromUTF8WithSub")
        return Int(length)
    }

    /// Lowercases `source` into `destination` with ICU's full, locale-sensitive case mapping.
    static func lowercase(_ source: UnsafeBufferPointer<UInt16>, locale: String, into destination: UTF16Buffer)
        throws(TokenizationError) -> Int
    {
        guard let base = source.baseAddress, source.count > 0 else { return 0 }
        destination.reserve(source.count + source.count / 8 + 16)
        while true {
            var status: Int32 = 0
            let length = locale.withCString {
                cicu_to_lower(destination.base, Int32(destination.capacity), base, Int32(source.count), $0, &status)
            }
            if status == bufferOverflowStatus {
                destination.reserve(Int(length))
                continue
            }
            try check(status, "u_strToLower")
            return Int(length)
        }
    }
}

/// An ICU break iterator (UBreakIterator). Creating one loads rule data and is expensive, so a
/// tokenizer opens each kind once and re-targets it per record with `setText`.
final class ICUBreakIterator {
    enum Kind {
        case character, word, sentence

        var shimValue: Int32 {
            switch self {
            case .character: Int32(CICU_BREAK_CHARACTER)
            case .word: Int32(CICU_BREAK_WORD)
            case .sentence: Int32(CICU_BREAK_SENTENCE)
            }
        }
    }

    private let handle: OpaquePointer

    init(_ kind: Kind, locale: String) throws(TokenizationError) {
        var status: Int32 = 0
        let opened = locale.withCString { cicu_break_open(kind.shimValue, $0, &status) }
        guard let opened, status <= 0 else {
            throw TokenizationError.icuFailure(operation: "ubrk_open", statusName: ICUSystemCalls.errorName(status))
        }
        handle = opened
    }

    deinit { cicu_break_close(handle) }

    /// Points the iterator at `text`, which must stay valid and unchanged while iterating.
    @inline(__always)
    func setText(_ text: UnsafeBufferPointer<UInt16>) throws(TokenizationError) {
        var status: Int32 = 0
        // ICU rejects a NULL pointer even for empty text.
        var empty: UInt16 = 0
        if let base = text.baseAddress {
            cicu_break_set_text(handle, base, Int32(text.count), &status)
        } else {
            cicu_break_set_text(handle, &empty, 0, &status)
        }
        try ICUSystemCalls.check(status, "ubrk_setText")
    }

    /// The next boundary offset (UTF-16 units), or nil at the end of the text.
    @inline(__always)
    func next() -> Int? {
        let boundary = cicu_break_next(handle)
        return boundary < 0 ? nil : Int(boundary)
    }

    /// Calls `body` with each span of `text` between consecutive boundaries, in order.
    @inline(__always)
    func forEachSpan(in text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        try setText(text)
        var start = 0
        while let end = next() {
            body(UnsafeBufferPointer(start: base + start, count: end - start))
            start = end
        }
    }

    /// The rule status of the boundary `next()` returned last.
    @inline(__always)
    var ruleStatus: Int32 { cicu_break_rule_status(handle) }

    /// Fills up to `capacity` boundaries and rule statuses; returns how many (0 = done).
    @inline(__always)
    func nextBatch(boundaries: UnsafeMutablePointer<Int32>, ruleStatuses: UnsafeMutablePointer<Int32>, capacity: Int)
        -> Int
    {
        Int(cicu_break_next_batch(handle, boundaries, ruleStatuses, Int32(capacity)))
    }

    /// The compiled rules this iterator runs (ICU's state tables and character classes, without
    /// dictionaries): equal bytes mean equal boundaries and statuses outside dictionary scripts.
    func binaryRules() throws(TokenizationError) -> [UInt8] {
        var status: Int32 = 0
        let length = cicu_break_binary_rules(handle, nil, 0, &status)
        if status != ICUSystemCalls.bufferOverflowStatus { try ICUSystemCalls.check(status, "ubrk_getBinaryRules") }
        var rules = [UInt8](repeating: 0, count: Int(length))
        status = 0
        _ = rules.withUnsafeMutableBufferPointer { cicu_break_binary_rules(handle, $0.baseAddress, length, &status) }
        try ICUSystemCalls.check(status, "ubrk_getBinaryRules")
        return rules
    }
}

/// An ICU Normalizer2 instance. ICU owns these singletons (never freed) and they are immutable
/// and thread-safe, so the wrapper is Sendable.
struct ICUNormalizer: @unchecked Sendable {
    enum Form { case nfc, nfkc, nfkcCasefold }

    private let handle: OpaquePointer

    init(_ form: Form) throws(TokenizationError) {
        let shimForm: Int32
        switch form {
        case .nfc: shimForm = Int32(CICU_NORMALIZE_NFC)
        case .nfkc: shimForm = Int32(CICU_NORMALIZE_NFKC)
        case .nfkcCasefold: shimForm = Int32(CICU_NORMALIZE_NFKC_CASEFOLD)
        }
        var status: Int32 = 0
        guard let instance = cicu_normalizer_instance(shimForm, &status), status <= 0 else {
            throw TokenizationError.icuFailure(
                operation: "unorm2_getInstance", statusName: ICUSystemCalls.errorName(status))
        }
        handle = instance
    }

    /// Whether normalization never looks across the start of `codePoint` (ccc 0, no backward
    /// composition): text made only of such characters normalizes one character at a time.
    func hasBoundaryBefore(_ codePoint: UInt32) -> Bool {
        cicu_normalizer_has_boundary_before(handle, codePoint) == 1
    }

    /// Normalizes `source` into `destination`, or returns nil when `source` is already normalized
    /// (the common case for ASCII text: a quick check, no copy).
    func normalize(_ source: UnsafeBufferPointer<UInt16>, into destination: UTF16Buffer) throws(TokenizationError)
        -> Int?
    {
        guard let base = source.baseAddress, source.count > 0 else { return nil }
        var status: Int32 = 0
        let span = Int(cicu_normalizer_span_quick_check_yes(handle, base, Int32(source.count), &status))
        try ICUSystemCalls.check(status, "unorm2_spanQuickCheckYes")
        if span == source.count { return nil }
        // ICU's documented incremental pattern: keep the normalized prefix, normalize the rest
        // and append it (composition across the seam is handled by ICU).
        var capacity = source.count + source.count / 4 + 16
        while true {
            destination.reserve(capacity)
            destination.base.update(from: base, count: span)
            status = 0
            let length = cicu_normalizer_normalize_second_and_append(
                handle, destination.base, Int32(span), Int32(destination.capacity),
                base + span, Int32(source.count - span), &status)
            if status == ICUSystemCalls.bufferOverflowStatus {
                capacity = Int(length)
                continue
            }
            try ICUSystemCalls.check(status, "unorm2_normalizeSecondAndAppend")
            return Int(length)
        }
    }
}

/// Word_Break property values (UAX #29), as ICU's data assigns them.
enum ICUWordBreak {
    case other, aLetter, cr, doubleQuote, extend, extendNumLet, format, hebrewLetter, katakana, lf
    case midLetter, midNum, midNumLet, newline, numeric, regionalIndicator, singleQuote, wSegSpace, zwj
    /// A value newer than this library.
    case unknown
}

/// Facts about the ICU library Tokenization runs on.
public enum ICUInfo {
    /// The Unicode version of ICU's data (decides which characters and break rules apply), e.g. "15.0".
    public static var unicodeVersion: String { ICUSystemCalls.unicodeVersion }
}
