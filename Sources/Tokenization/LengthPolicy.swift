/// The one rule that bounds sequence lengths, shared by the tokenizing pass (`tokenize`, the live
/// corpus) and by batching: an empty sequence is left out; one whose ids and markers together
/// exceed ``maxLength`` keeps its first ids, leaving room for the markers, or is left out.
///
/// ```swift
/// let policy = LengthPolicy(maxLength: 6, overLength: .truncate, markers: .beginAndEnd)
/// policy.verdict(forLength: 9)   // .truncated(to: 4): <bos> and four ids and <eos>
/// ```
public struct LengthPolicy: Sendable, Hashable {
    /// The longest sequence kept, in ids, counting its markers; nil: no limit.
    public var maxLength: Int?
    public var overLength: OverLengthPolicy
    /// The ids put around every sequence kept.
    public var markers: SequenceMarkers

    public init(maxLength: Int? = nil, overLength: OverLengthPolicy = .truncate, markers: SequenceMarkers = .none) {
        self.maxLength = maxLength
        self.overLength = overLength
        self.markers = markers
    }

    /// What becomes of one sequence.
    public enum Verdict: Sendable, Hashable {
        /// No ids: left out.
        case empty
        case kept
        /// Cut to its first `length` ids.
        case truncated(to: Int)
        /// Over the maximum length under ``OverLengthPolicy/drop``: left out.
        case tooLong
    }

    /// The most ids a sequence keeps before its markers go on (`Int.max` without a limit).
    @inlinable
    public var bodyLimit: Int { maxLength.map { Swift.max(0, $0 - markers.count) } ?? .max }

    /// The smallest maximum length that keeps a token: the markers and one id.
    @inlinable
    public var shortestMaxLength: Int { markers.count + 1 }

    /// The verdict for a sequence of `length` ids (markers not counted).
    @inlinable @inline(__always)
    public func verdict(forLength length: Int) -> Verdict {
        if length == 0 { return .empty }
        let limit = bodyLimit
        guard length > limit else { return .kept }
        return overLength == .drop ? .tooLong : .truncated(to: limit)
    }
}
