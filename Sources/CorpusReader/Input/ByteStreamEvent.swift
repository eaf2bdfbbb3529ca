/// What the decompressing thread hands to the parser: the start of a member, a run of its
/// decompressed bytes, its end, or the failure that stopped the read.
package enum ByteStreamEvent: Sendable {
    case memberStarted(MemberInfo)
    case bytes(ByteChunk)
    /// The member ended.
    case memberEnded
    /// The input's gzip stream was read to its end and every member's CRC-32 and length matched
    /// (sent after the input's last member, which it names).
    case checksumsVerified(MemberInfo, gzipMembers: Int)
    /// Something about the input the user should know that is not a failure (an empty input,
    /// a header libarchive warned about), as a full sentence.
    case warning(String)
    case failed(CorpusError)
}
