import Support

/// The special ids around one sequence of token ids: none, `<eos>` after it (what character
/// models read — a line's end, one symbol like a newline), or `<bos>` … `<eos>`.
///
/// The only code that writes these ids around a sequence or recognises them there: the
/// tokenizing pass frames the sequences it writes (``LengthPolicy/markers``), batching frames
/// the sequences of a batch, and reads the body of a sequence that was stored framed.
public enum SequenceMarkers: Sendable, Hashable {
    case none
    case end
    case beginAndEnd

    /// The ids the markers add to a sequence.
    @inlinable
    public var count: Int {
        switch self {
        case .none: 0
        case .end: 1
        case .beginAndEnd: 2
        }
    }

    /// Appends the id that opens a sequence (`<bos>`), if these markers have one.
    @inlinable @inline(__always)
    public func appendOpening(to ids: inout [Int32]) {
        if self == .beginAndEnd { ids.append(SpecialToken.begin.id) }
    }

    /// Appends the id that closes a sequence (`<eos>`), if these markers have one.
    @inlinable @inline(__always)
    public func appendClosing(to ids: inout [Int32]) {
        if self != .none { ids.append(SpecialToken.end.id) }
    }

    /// The part of `sequence` (a range of `ids`) inside these markers. A sequence that does not
    /// carry them — too short, or other ids at its ends — is its own body.
    @inlinable
    public func body(of sequence: Range<Int>, in ids: UnsafeBufferPointer<Int32>) -> Range<Int> {
        switch self {
        case .none:
            return sequence
        case .end:
            guard !sequence.isEmpty, ids[sequence.upperBound - 1] == SpecialToken.end.id else { return sequence }
            return sequence.lowerBound..<sequence.upperBound - 1
        case .beginAndEnd:
            guard sequence.count >= 2, ids[sequence.lowerBound] == SpecialToken.begin.id,
                ids[sequence.upperBound - 1] == SpecialToken.end.id
            else { return sequence }
            return sequence.lowerBound + 1..<sequence.upperBound - 1
        }
    }
}
