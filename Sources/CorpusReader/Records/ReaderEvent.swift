/// Something the reader met besides records.
public enum ReaderEvent: Sendable, Hashable {
    /// A member (or a plain file) started.
    case memberStarted(MemberInfo)
    /// A CSV/TSV header row was read.
    case header([String], MemberInfo)
    /// Something the user should know that is not a bad record (e.g. an unverifiable checksum).
    case warning(String)
    /// A member's data matched its stored checksum (gzip CRC-32; other formats check their own).
    case checksumVerified(MemberInfo)
}
