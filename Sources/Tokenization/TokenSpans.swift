/// One record's tokens, as spans of a single UTF-16 text: what ``Tokenizer/withTokenSpans(utf8:_:)``
/// lends, so that a record's tokens can be looked up at once (``TokenIndex/lookUp(_:into:)``)
/// rather than one call per token. Valid only during the call that lends it.
///
/// ```swift
/// try tokenizer.withTokenSpans(utf8: record) { tokens in
///     index.lookUp(tokens, into: entries)          // entries[i]: tokens[i]'s entry, or -1
///     for i in 0..<tokens.count { use(tokens[i], entries[i]) }
/// }
/// ```
public struct TokenSpans {
    /// The text the tokens are slices of.
    public let text: UnsafePointer<UInt16>
    /// Token `i` is `text[starts[i] ..< ends[i]]`.
    let starts: UnsafePointer<UInt32>
    let ends: UnsafePointer<UInt32>
    /// Number of tokens.
    public let count: Int

    /// Token `index` (`0 ..< count`).
    @inline(__always)
    public subscript(index: Int) -> UnsafeBufferPointer<UInt16> {
        let start = Int(starts[index])
        return UnsafeBufferPointer(start: text + start, count: Int(ends[index]) - start)
    }
}

/// Pointers into a tokenizer's buffers, valid only during the call that lends them.
@available(*, unavailable, message: "TokenSpans is valid only inside the closure that receives it")
extension TokenSpans: Sendable {}
