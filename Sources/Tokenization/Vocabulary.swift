import Support

/// A fixed mapping between tokens and integer ids, built from a `TokenCounter`.
///
/// Ids are dense, `0 ..< count`:
/// - `0` `<pad>`, `1` `<unk>`, `2` `<bos>`, `3` `<eos>` — always, fixed;
/// - then the counted tokens by count descending, ties by token in Unicode code point order
///   (= UTF-8 byte order), so the same counts give the same ids however they were gathered.
///
/// `maxSize` counts the four special tokens (like Hugging Face's `vocab_size`; Keras' `num_words`
/// similarly counts its reserved index 0): `maxSize: 10_000` gives at most 9,996 corpus tokens.
/// Tokens counted fewer than `minCount` times are left out. Literal "<unk>" etc. in the corpus
/// (Penn Treebank writes "<unk>") map to the special ids; their counts are recorded there.
///
/// ```swift
/// let vocabulary = try Vocabulary(counter: counter, configuration: configuration, maxSize: 30_000, minCount: 2)
/// let ids = try vocabulary.encode("the cat sat", using: tokenizer)   // e.g. [4, 812, 2203]
/// vocabulary.decode(ids)                                            // "the cat sat"
/// ```
///
/// Immutable and `Sendable`: share one vocabulary between all workers.
public struct Vocabulary: Sendable {
    /// All state lives in one immutable object, so copying a vocabulary (e.g. capturing it in
    /// the per-record encode closure) costs one reference count, not one per field.
    private final class Storage: Sendable {
        let configuration: TokenizerConfiguration
        let maxSize: Int?
        let minCount: Int
        let tokens: [String]
        let counts: [Int]
        let hash: String
        /// Token → id; entry index == id because tokens are inserted in id order.
        let table: TokenTable

        init(
            configuration: TokenizerConfiguration, maxSize: Int?, minCount: Int, tokens: [String], counts: [Int],
            hash: String, table: TokenTable
        ) {
            self.configuration = configuration
            self.maxSize = maxSize
            self.minCount = minCount
            self.tokens = tokens
            self.counts = counts
            self.hash = hash
            self.table = table
        }
    }

    private let storage: Storage

    /// How the tokens were made; encode with a tokenizer of this configuration.
    public var configuration: TokenizerConfiguration { storage.configuration }
    /// The size limit it was built with (special tokens included), or nil.
    public var maxSize: Int? { storage.maxSize }
    /// The minimum count it was built with.
    public var minCount: Int { storage.minCount }
    /// Tokens in id order (`tokens[id]`).
    public var tokens: [String] { storage.tokens }
    /// Corpus counts in id order (for special tokens: occurrences of their literal text).
    public var counts: [Int] { storage.counts }
    /// "sha256:" + SHA-256 of the token list in id order, each token as its UTF-8 length
    /// (4 bytes, big-endian) followed by its UTF-8 bytes. Equal hashes mean equal id assignments.
    public var hash: String { storage.hash }

    /// Number of ids (special tokens included).
    public var count: Int { tokens.count }

    /// Builds a vocabulary from counts. Throws `.invalidConfiguration` when `maxSize` < 4
    /// (it must leave room for the special tokens) or `minCount` < 1.
    public init(counter: TokenCounter, configuration: TokenizerConfiguration, maxSize: Int? = nil, minCount: Int = 1)
        throws(TokenizationError)
    {
        if let maxSize, maxSize < SpecialToken.allCases.count {
            throw .invalidConfiguration(
                "maxSize is \(maxSize), but it counts the \(SpecialToken.allCases.count) special tokens and must be "
                    + "at least \(SpecialToken.allCases.count)"
            )
        }
        guard minCount >= 1 else { throw .invalidConfiguration("minCount is \(minCount), but it must be at least 1") }
        var tokens = SpecialToken.texts
        var counts = SpecialToken.texts.map { counter.count(of: $0) }
        let limit = maxSize ?? Int.max
        for index in counter.rankedIndices() {
            if tokens.count >= limit { break }
            let count = counter.countValue(at: index)
            // Ranked by count, so everything after the first rare token is rarer still.
            if count < minCount { break }
            let token = counter.tokenString(at: index)
            if SpecialToken.texts.contains(token) { continue }
            tokens.append(token)
            counts.append(count)
        }
        self = try Vocabulary(
            tokens: tokens, counts: counts, configuration: configuration, maxSize: maxSize, minCount: minCount,
            source: nil)
    }

    /// Assembles a vocabulary from an id-ordered token list (used when loading). `source` names
    /// the file in errors.
    init(
        tokens: [String], counts: [Int], configuration: TokenizerConfiguration, maxSize: Int?, minCount: Int,
        source: String?
    ) throws(TokenizationError) {
        func malformed(_ reason: String) -> TokenizationError {
            source.map { .malformedVocabulary(path: $0, reason: reason) } ?? .invalidConfiguration(reason)
        }
        guard tokens.count == counts.count else {
            throw malformed("it lists \(tokens.count) tokens but \(counts.count) counts")
        }
        guard Array(tokens.prefix(SpecialToken.allCases.count)) == SpecialToken.texts else {
            throw malformed("the first tokens must be \(SpecialToken.texts.joined(separator: ", ")) with ids 0 to 3")
        }
        var table = TokenTable(minimumCapacity: tokens.count)
        for (id, token) in tokens.enumerated() {
            if token.isEmpty { throw malformed("token \(id) is empty") }
            let (index, inserted) = table.insert(token)
            if !inserted { throw malformed("the token \"\(token)\" appears twice, with ids \(index) and \(id)") }
        }
        storage = Storage(
            configuration: configuration, maxSize: maxSize, minCount: minCount, tokens: tokens, counts: counts,
            hash: Self.hash(of: tokens), table: table)
    }

    /// The token-list fingerprint described at `hash`.
    static func hash(of tokens: [String]) -> String {
        var hasher = SHA256()
        for token in tokens {
            let length = UInt32(token.utf8.count)
            hasher.update([
                UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
                UInt8(truncatingIfNeeded: length)
            ])
            hasher.update(token.utf8)
        }
        return "sha256:" + hasher.finalizeHex()
    }

    /// A tokenizer with this vocabulary's configuration (one per worker).
    public func makeTokenizer() throws(TokenizationError) -> Tokenizer {
        try configuration.makeTokenizer()
    }

    // MARK: Encoding

    /// The id of a UTF-16 token slice (as `Tokenizer.forEachToken` yields), `<unk>`'s if absent.
    /// A hash lookup; no `String` is made.
    @inline(__always)
    public func id(for token: UnsafeBufferPointer<UInt16>) -> Int32 {
        guard let index = storage.table.index(of: token) else { return SpecialToken.unknown.id }
        return Int32(truncatingIfNeeded: index)
    }

    /// The id of `token`, `<unk>`'s if absent.
    public func id(for token: String) -> Int32 {
        guard let index = storage.table.index(of: token) else { return SpecialToken.unknown.id }
        return Int32(truncatingIfNeeded: index)
    }

    /// The token with `id`, or nil when out of range.
    public func token(for id: Int32) -> String? {
        storage.tokens.indices.contains(Int(id)) ? storage.tokens[Int(id)] : nil
    }

    /// Tokenizes one UTF-8 record and appends its ids to `ids` (optionally wrapped in `<bos>` …
    /// `<eos>`). `tokenizer` should have been made from `configuration`.
    public func encode(
        utf8: UnsafeBufferPointer<UInt8>, using tokenizer: Tokenizer, addingBeginAndEnd: Bool = false,
        into ids: inout [Int32]
    ) throws(TokenizationError) {
        let markers: SequenceMarkers = addingBeginAndEnd ? .beginAndEnd : .none
        markers.appendOpening(to: &ids)
        let table = storage.table
        try tokenizer.appendTokenIDs(utf8: utf8, to: &ids) { token in
            table.index(of: token).map { Int32(truncatingIfNeeded: $0) } ?? SpecialToken.unknown.id
        }
        markers.appendClosing(to: &ids)
    }

    /// The ids of `text`.
    public func encode(_ text: String, using tokenizer: Tokenizer, addingBeginAndEnd: Bool = false)
        throws(TokenizationError) -> [Int32]
    {
        var ids: [Int32] = []
        try Tokenizer.withUTF8(text) { (utf8) throws(TokenizationError) in
            try encode(utf8: utf8, using: tokenizer, addingBeginAndEnd: addingBeginAndEnd, into: &ids)
        }
        return ids
    }

    // MARK: Decoding

    /// Text for `ids`: tokens joined by `configuration.level.decodingSeparator` (a space, or
    /// nothing at the character level). With `skippingSpecialTokens`, `<pad>`, `<bos>` and `<eos>`
    /// are left out; `<unk>` always shows, as do out-of-range ids (as `<unk>`).
    public func decode<S: Sequence>(_ ids: S, skippingSpecialTokens: Bool = true) -> String where S.Element == Int32 {
        let separator = configuration.level.decodingSeparator
        var text = ""
        var first = true
        for id in ids {
            if skippingSpecialTokens,
                id == SpecialToken.padding.id || id == SpecialToken.begin.id || id == SpecialToken.end.id
            {
                continue
            }
            if !first { text += separator }
            first = false
            text += token(for: id) ?? SpecialToken.unknown.text
        }
        return text
    }
}
