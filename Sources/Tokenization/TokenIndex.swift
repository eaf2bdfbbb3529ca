/// Dense, stable indices for token texts, in first-seen order: the building block for
/// single-pass pipelines that number tokens before the vocabulary is known (ids are remapped
/// once counting ends). Lookups take UTF-16 slices straight from `Tokenizer.forEachToken`; no
/// `String` is made.
public struct TokenIndex: Sendable {
    private var table: TokenTable

    /// An empty index sized for about `minimumCapacity` tokens before it first grows.
    public init(minimumCapacity: Int = 1024) {
        table = TokenTable(minimumCapacity: minimumCapacity)
    }

    /// Number of distinct tokens.
    public var count: Int { table.count }

    /// The index of `token`, adding it when new.
    @inline(__always)
    public mutating func insert(_ token: UnsafeBufferPointer<UInt16>) -> (index: Int, inserted: Bool) {
        table.insert(token)
    }

    /// The index of `token`, or nil.
    public func index(of token: UnsafeBufferPointer<UInt16>) -> Int? {
        table.index(of: token)
    }

    /// The index of each of a record's tokens, or -1, in `indices[0 ..< tokens.count]`: the
    /// answers of ``index(of:)``, faster (the lookups' cache misses overlap).
    public func lookUp(_ tokens: TokenSpans, into indices: UnsafeMutablePointer<Int>) {
        table.lookUp(tokens, into: indices)
    }

    /// Calls `body` with the UTF-16 units of entry `index` (no copy).
    public func withUnits<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt16>) -> Result) -> Result {
        table.withUnits(at: index, body)
    }

    /// The text of entry `index`.
    public func string(at index: Int) -> String { table.string(at: index) }
}
