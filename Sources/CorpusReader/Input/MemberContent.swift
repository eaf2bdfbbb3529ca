/// What a member's (or a plain input's) first bytes say it holds, looked at once per member so
/// that compressed members and UTF-16/UTF-32 text are not read as bytes and "repaired" into
/// U+FFFD garbage.
enum MemberContent: Equatable {
    /// UTF-8 (or ASCII) text, or at least nothing recognisably else.
    case plain
    /// Compressed data (`gzip`, `zstd`, `xz`, `bzip2`, `lz4`), e.g. `a.txt.gz` inside a tar.
    case compressed(String)
    /// Text in UTF-16 or UTF-32, announced by its byte-order mark (which is dropped).
    case unicode(UnicodeEncoding)
    /// An archive inside the member (a zip in a tar, …), which Corpus does not open.
    case archive(String)

    /// How many first bytes ``classify(_:)`` wants (a tar header is 512 bytes).
    static let prefixBytes = 512

    /// Classifies a member from its first bytes (fewer than ``prefixBytes`` only when the member
    /// is that short).
    static func classify(_ prefix: UnsafeRawBufferPointer) -> MemberContent {
        let bytes = prefix.bindMemory(to: UInt8.self)
        func starts(_ magic: [UInt8]) -> Bool {
            bytes.count >= magic.count && zip(bytes, magic).allSatisfy { $0 == $1 }
        }
        // UTF-32 before UTF-16: the UTF-32LE mark begins with the UTF-16LE one.
        if starts([0xFF, 0xFE, 0x00, 0x00]) { return .unicode(.utf32LittleEndian) }
        if starts([0x00, 0x00, 0xFE, 0xFF]) { return .unicode(.utf32BigEndian) }
        if starts([0xFF, 0xFE]) { return .unicode(.utf16LittleEndian) }
        if starts([0xFE, 0xFF]) { return .unicode(.utf16BigEndian) }
        if starts([0x1F, 0x8B]) { return .compressed("gzip") }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .compressed("zstd") }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .compressed("xz") }
        if starts([0x04, 0x22, 0x4D, 0x18]) { return .compressed("lz4") }
        if bytes.count >= 10, starts(Array("BZh".utf8)), (0x31...0x39).contains(bytes[3]),
            Array(bytes[4..<10]) == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
                || Array(bytes[4..<10]) == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]
        {
            return .compressed("bzip2")
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .archive("zip") }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .archive("7-zip") }
        if starts(Array("Rar!\u{1A}\u{07}".utf8)) { return .archive("rar") }
        if TarHeader.isValid(prefix) { return .archive("tar") }
        return .plain
    }
}
