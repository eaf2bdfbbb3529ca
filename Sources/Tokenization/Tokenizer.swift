import Foundation

/// Turns records into tokens: normalize (UTF-8 → UTF-16, Unicode normalization, lowercasing),
/// then split at the configured `TokenizationLevel`.
///
/// One instance per worker thread: it owns ICU break iterators and reusable buffers, so it is
/// deliberately not `Sendable`. Create instances from a shared `TokenizerConfiguration`.
///
/// The hot path hands out tokens as UTF-16 slices of the normalized record; no `String` is made:
///
/// ```swift
/// let tokenizer = try TokenizerConfiguration(level: .word, lowercaseLocale: "en").makeTokenizer()
/// var ids: [Int32] = []
/// try record.withUnsafeBufferPointer { utf8 in              // validated UTF-8 bytes
///     try tokenizer.forEachToken(utf8: utf8) { token in     // token: UnsafeBufferPointer<UInt16>
///         ids.append(vocabulary.id(for: token))
///     }
/// }
/// try tokenizer.tokens(of: "It's 1,000.50 dollars.")     // ["it's", "1,000.50", "dollars", "."]
/// ```
public final class Tokenizer {
    /// The configuration this tokenizer was made from.
    public let configuration: TokenizerConfiguration

    private enum Segmenter {
        case character(CharacterSegmenter)
        case word(WordSegmenter)
        case sentence(SentenceSegmenter)
        case whitespace(WhitespaceSegmenter)
        case keras(KerasSegmenter)
    }

    private let normalizer: Normalizer
    private let segmenter: Segmenter
    /// Opened on first use of `forEachTokenBySentence` (most pipelines never need it).
    private var sentenceSegmenter: SentenceSegmenter?
    /// Per-record id scratch for `appendTokenIDs` (see there).
    private let idScratch = ReusableBuffer<Int32>(capacity: 1024)

    /// The word level's fast path for plain-text records (see `PlainText` and
    /// `PlainTextWordBreak`): nil when off, else what normalization and lowercasing do to
    /// each plain-text character.
    private let plainTextMapping: PlainTextMapping?
    /// `plainTextMapping`'s table, held apart: binding the class reference would cost a retain
    /// and a release per record.
    private let plainTextTable: PlainTextMapping.Table?
    private let plainTextBuffer = UTF16Buffer()
    /// Token spans: the fast path's, when punctuation is kept (see `PlainTextWordBreak+Spans`),
    /// and `withTokenSpans`'s.
    private let plainTextSpans = PlainTextWordBreak.Spans()
    /// `withTokenSpans`'s tokens from paths other than plain text, copied back to back.
    private var collectedText: [UInt16] = []
    private var collectedEnds: [UInt32] = []

    /// Whether the fast path for plain text is on. It gives the very tokens ICU gives and is
    /// turned off only to compare the two: tests do it through
    /// `init(configuration:plainTextFastPath:)`, a whole run with the environment variable
    /// `VAE_PIPELINE_PLAIN_TEXT_FAST_PATH=0`.
    var usesPlainTextFastPath: Bool { plainTextMapping != nil }

    static let plainTextFastPathByDefault =
        ProcessInfo.processInfo.environment["VAE_PIPELINE_PLAIN_TEXT_FAST_PATH"] != "0"

    /// Opens the ICU objects the configuration needs. Throws `TokenizationError.invalidLocale`
    /// for an unknown locale and `.icuFailure` when ICU cannot open a break iterator.
    public convenience init(configuration: TokenizerConfiguration) throws(TokenizationError) {
        try self.init(configuration: configuration, plainTextFastPath: Self.plainTextFastPathByDefault)
    }

    /// Like `init(configuration:)`, with the plain-text fast path on or off (off: every record
    /// goes through ICU). For tests that prove the two paths agree.
    @_spi(Testing)
    public init(configuration: TokenizerConfiguration, plainTextFastPath: Bool) throws(TokenizationError) {
        try configuration.validate()
        self.configuration = configuration
        normalizer = try Normalizer(
            normalization: configuration.normalization, lowercaseLocale: configuration.lowercaseLocale)
        switch configuration.level {
        case .character: segmenter = .character(try CharacterSegmenter(locale: configuration.breakLocale))
        case .word:
            segmenter = .word(
                try WordSegmenter(locale: configuration.breakLocale, keepsPunctuation: configuration.keepsPunctuation))
        case .sentence:
            let sentences = try SentenceSegmenter(locale: configuration.breakLocale)
            segmenter = .sentence(sentences)
            sentenceSegmenter = sentences
        case .whitespace: segmenter = .whitespace(WhitespaceSegmenter())
        case .keras: segmenter = .keras(KerasSegmenter(filters: configuration.kerasFilters))
        }
        // Exact only for the rules it reproduces, and when lowercasing ASCII is A–Z → a–z (the
        // mapping checks that too, and takes every other character's mapping from ICU).
        if plainTextFastPath, case .word(let words) = segmenter, words.plainTextIsExact,
            configuration.lowercaseLocale == nil || normalizer.asciiLowercaseIsPlain
        {
            plainTextMapping = try PlainTextMapping.mapping(
                normalization: configuration.normalization,
                lowercaseLocale: configuration.lowercaseLocale)
        } else {
            plainTextMapping = nil
        }
        plainTextTable = plainTextMapping?.table
    }

    // MARK: Hot path

    /// Normalizes one UTF-8 record and calls `body` with each token, in order, as a UTF-16 slice
    /// of the normalized record. The slice is valid only during the call; copy it to keep it.
    /// Ill-formed UTF-8 is replaced by U+FFFD rather than rejected.
    public func forEachToken(utf8: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        if case .sentence(let sentences) = segmenter {
            try forEachSentence(utf8: utf8, sentences) { sentence in body(sentence) }
            return
        }
        if let plainTextTable, let count = PlainText.convert(utf8, into: plainTextBuffer, table: plainTextTable) {
            forEachPlainTextToken(count: count, body)
            return
        }
        let text = try normalizer.normalize(utf8: utf8)
        try split(text, body)
    }

    /// Like `forEachToken(utf8:_:)` for UTF-16 input (which is never modified).
    public func forEachToken(utf16: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        if case .sentence(let sentences) = segmenter {
            let text = try normalizer.normalizeKeepingCase(utf16: utf16)
            var failure: TokenizationError?
            try sentences.forEachSegment(in: text) { sentence in
                guard failure == nil else { return }
                do throws(TokenizationError) { body(try normalizer.lowercase(sentence)) } catch { failure = error }
            }
            if let failure { throw failure }
            return
        }
        let text = try normalizer.normalize(utf16: utf16)
        try split(text, body)
    }

    /// Splits a record into sentences (ICU sentence break) and then each sentence into tokens at
    /// this tokenizer's level; `body` gets each token with the 0-based index of its sentence
    /// (sentences without tokens are skipped but counted). Returns the number of sentences.
    ///
    /// ```swift
    /// tokenizer.forEachTokenBySentence(utf8: record) { token, sentence in … }
    /// ```
    @discardableResult
    public func forEachTokenBySentence(
        utf8: UnsafeBufferPointer<UInt8>, _ body: (_ token: UnsafeBufferPointer<UInt16>, _ sentence: Int) -> Void
    ) throws(TokenizationError) -> Int {
        let sentences: SentenceSegmenter
        if let existing = sentenceSegmenter {
            sentences = existing
        } else {
            sentences = try SentenceSegmenter(locale: configuration.breakLocale)
            sentenceSegmenter = sentences
        }
        var sentenceIndex = 0
        try forEachSentence(utf8: utf8, sentences) { (sentence) throws(TokenizationError) in
            let index = sentenceIndex
            sentenceIndex += 1
            try split(sentence) { token in body(token, index) }
        }
        return sentenceIndex
    }

    /// Splits into sentences before lowercasing (ICU relies on case to find sentence starts), then
    /// lowercases each sentence on its own.
    private func forEachSentence(
        utf8: UnsafeBufferPointer<UInt8>, _ sentences: SentenceSegmenter,
        _ body: (UnsafeBufferPointer<UInt16>) throws(TokenizationError) -> Void
    ) throws(TokenizationError) {
        let text = try normalizer.normalizeKeepingCase(utf8: utf8)
        var failure: TokenizationError?
        // The sentence iterator walks `text` while the word/character iterators (separate ICU
        // objects) are re-targeted at each lowercased sentence, which lives in another buffer.
        try sentences.forEachSegment(in: text) { sentence in
            guard failure == nil else { return }
            do throws(TokenizationError) {
                try body(normalizer.lowercase(sentence))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Tokenizes one UTF-8 record, maps each token to an id with `id`, and appends the ids to
    /// `ids` — the fastest way to encode (e.g. `Vocabulary.encode` uses it with its lookup, a
    /// streaming pipeline might use a `TokenIndex`).
    ///
    /// Faster than appending from `forEachToken`: tokens are non-empty, disjoint slices of the
    /// normalized text, so there are at most as many as it has units; ids go into a scratch buffer
    /// of that size with a plain store each, then into `ids` with one copy per record. `id` must
    /// not call back into this tokenizer.
    ///
    /// ```swift
    /// try tokenizer.appendTokenIDs(utf8: record, to: &ids) { vocabulary.id(for: $0) }
    /// ```
    public func appendTokenIDs(
        utf8: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], _ id: (UnsafeBufferPointer<UInt16>) -> Int32
    ) throws(TokenizationError) {
        if case .sentence = segmenter {
            // Sentences are lowercased one by one (possibly growing), so there is no bound upfront.
            try forEachToken(utf8: utf8) { ids.append(id($0)) }
            return
        }
        var count = 0
        if let plainTextTable, let units = PlainText.convert(utf8, into: plainTextBuffer, table: plainTextTable) {
            idScratch.reserve(units)
            let output = idScratch.base
            forEachPlainTextToken(count: units) { token in
                output[count] = id(token)
                count += 1
            }
        } else {
            let text = try normalizer.normalize(utf8: utf8)
            idScratch.reserve(text.count)
            let output = idScratch.base
            try split(text) { token in
                output[count] = id(token)
                count += 1
            }
        }
        ids.append(contentsOf: idScratch.prefix(count))
    }

    /// Tokenizes one UTF-8 record and calls `body` once with all its tokens, as spans of one
    /// text: the same tokens, in the same order, as `forEachToken(utf8:_:)`. For lookups that take
    /// a record at a time (``TokenIndex/lookUp(_:into:)``). The spans are valid only during the call.
    ///
    /// Plain text at the word level with punctuation kept (the common case) is split straight into
    /// spans; other paths collect their tokens first.
    public func withTokenSpans<Result>(utf8: UnsafeBufferPointer<UInt8>, _ body: (TokenSpans) -> Result)
        throws(TokenizationError) -> Result
    {
        // Spans are 32-bit offsets; ICU's limit (2 GiB) keeps every path within them.
        guard utf8.count < Int(Int32.max) else { throw .recordTooLong(utf8Count: utf8.count) }
        if let plainTextTable, let units = PlainText.convert(utf8, into: plainTextBuffer, table: plainTextTable) {
            if configuration.keepsPunctuation,
                let spans = PlainTextWordBreak.tokenSpans(
                    in: plainTextBuffer.base, count: units, capacity: plainTextBuffer.capacity, spans: plainTextSpans)
            {
                return body(spans)
            }
            // Tokens of the loop are slices of the plain-text buffer: note where.
            let base = UnsafePointer(plainTextBuffer.base)
            plainTextSpans.starts.reserve(units)
            plainTextSpans.ends.reserve(units)
            let starts = plainTextSpans.starts.base
            let ends = plainTextSpans.ends.base
            var count = 0
            PlainTextWordBreak.forEachToken(
                in: plainTextBuffer.prefix(units), keepsPunctuation: configuration.keepsPunctuation
            ) { token in
                let start = token.baseAddress! - base
                starts[count] = UInt32(truncatingIfNeeded: start)
                ends[count] = UInt32(truncatingIfNeeded: start + token.count)
                count += 1
            }
            return body(TokenSpans(text: base, starts: starts, ends: ends, count: count))
        }
        // Other paths may hand out tokens from more than one buffer (sentences are lowercased one
        // at a time): copy them into one text.
        collectedText.removeAll(keepingCapacity: true)
        collectedEnds.removeAll(keepingCapacity: true)
        try forEachToken(utf8: utf8) { token in
            collectedText.append(contentsOf: token)
            collectedEnds.append(UInt32(truncatingIfNeeded: collectedText.count))
        }
        let count = collectedEnds.count
        plainTextSpans.starts.reserve(count)
        let starts = plainTextSpans.starts.base
        for index in 0..<count { starts[index] = index == 0 ? 0 : collectedEnds[index - 1] }
        return collectedText.withUnsafeBufferPointer { text in
            collectedEnds.withUnsafeBufferPointer { ends in
                // An empty array has no address; no token is read then.
                body(
                    TokenSpans(
                        text: text.baseAddress ?? UnsafePointer(plainTextBuffer.base), starts: starts,
                        ends: ends.baseAddress ?? UnsafePointer(plainTextSpans.ends.base), count: count))
            }
        }
    }

    /// The tokens of the first `count` units of `plainTextBuffer` (converted by `PlainText`): by
    /// the span scan when punctuation is kept and the text suits it, else by the plain-text loop.
    @inline(__always)
    private func forEachPlainTextToken(count: Int, _ body: (UnsafeBufferPointer<UInt16>) -> Void) {
        let keepsPunctuation = configuration.keepsPunctuation
        if keepsPunctuation,
            let spans = PlainTextWordBreak.tokenSpans(
                in: plainTextBuffer.base, count: count, capacity: plainTextBuffer.capacity, spans: plainTextSpans)
        {
            for index in 0..<spans.count { body(spans[index]) }
            return
        }
        PlainTextWordBreak.forEachToken(in: plainTextBuffer.prefix(count), keepsPunctuation: keepsPunctuation, body)
    }

    @inline(__always)
    private func split(_ text: UnsafeBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) -> Void)
        throws(TokenizationError)
    {
        switch segmenter {
        case .word(let words): try words.forEachSegment(in: text, body)
        case .whitespace(let whitespace): whitespace.forEachSegment(in: text, body)
        case .character(let characters): try characters.forEachSegment(in: text, body)
        case .keras(let keras): keras.forEachSegment(in: text, body)
        case .sentence:
            // A sentence inside a sentence (forEachTokenBySentence at the sentence level) is itself.
            body(text)
        }
    }

    // MARK: Conveniences (allocate a String per token; not for the hot path)

    /// The tokens of `text` as strings.
    ///
    /// ```swift
    /// try TokenizerConfiguration(level: .whitespace).makeTokenizer()
    ///     .tokens(of: "the <unk> company said N shares")  // ["the", "<unk>", "company", "said", "N", "shares"]
    /// ```
    public func tokens(of text: String) throws(TokenizationError) -> [String] {
        var tokens: [String] = []
        try Self.withUTF8(text) { (utf8) throws(TokenizationError) in
            try forEachToken(utf8: utf8) { tokens.append(String(decoding: $0, as: UTF16.self)) }
        }
        return tokens
    }

    /// The tokens of each sentence of `text` (see `forEachTokenBySentence`); sentences without
    /// tokens are omitted.
    public func sentences(of text: String) throws(TokenizationError) -> [[String]] {
        var sentences: [[String]] = []
        try Self.withUTF8(text) { (utf8) throws(TokenizationError) in
            var last = -1
            try forEachTokenBySentence(utf8: utf8) { token, sentence in
                if sentence != last {
                    sentences.append([])
                    last = sentence
                }
                sentences[sentences.count - 1].append(String(decoding: token, as: UTF16.self))
            }
        }
        return sentences
    }

    /// `text` after normalization and lowercasing, before splitting.
    public func normalize(_ text: String) throws(TokenizationError) -> String {
        var result = ""
        try Self.withUTF8(text) { (utf8) throws(TokenizationError) in
            result = String(decoding: try normalizer.normalize(utf8: utf8), as: UTF16.self)
        }
        return result
    }

    /// Runs `body` over `text`'s contiguous UTF-8 (copying only if the string is bridged/lazy).
    static func withUTF8(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(TokenizationError) -> Void)
        throws(TokenizationError)
    {
        var text = text
        var failure: TokenizationError?
        text.withUTF8 { utf8 in
            do throws(TokenizationError) { try body(utf8) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// A tokenizer owns mutable ICU state and buffers: share its configuration, not the instance.
@available(
    *, unavailable,
    message: "Tokenizer is per worker; give each task its own via TokenizerConfiguration.makeTokenizer()"
)
extension Tokenizer: Sendable {}

extension TokenizationLevel {
    /// What `Vocabulary.decode` puts between tokens: nothing at the character level (clusters
    /// include their spaces), a space otherwise.
    public var decodingSeparator: String { self == .character ? "" : " " }
}
