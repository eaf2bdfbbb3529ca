#if canImport(Glibc)
    import Glibc
#endif

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

/// The Unicode encodings a byte-order mark announces besides UTF-8.
enum UnicodeEncoding: Equatable {
    case utf16LittleEndian, utf16BigEndian, utf32LittleEndian, utf32BigEndian

    var name: String {
        switch self {
        case .utf16LittleEndian: "UTF-16LE"
        case .utf16BigEndian: "UTF-16BE"
        case .utf32LittleEndian: "UTF-32LE"
        case .utf32BigEndian: "UTF-32BE"
        }
    }

    var byteOrderMarkLength: Int { unitBytes }
    var unitBytes: Int {
        switch self {
        case .utf16LittleEndian, .utf16BigEndian: 2
        case .utf32LittleEndian, .utf32BigEndian: 4
        }
    }
}

/// A real tar header: not merely 512 bytes that libarchive's tar reader accepts (a block of NUL
/// bytes reads as the end of an empty archive), but one whose checksum matches.
enum TarHeader {
    static func isValid(_ block: UnsafeRawBufferPointer) -> Bool {
        guard block.count >= 512 else { return false }
        let bytes = block.bindMemory(to: UInt8.self)
        // The checksum field (bytes 148–155): octal digits, ended by NUL or space.
        var stored = 0
        var digits = 0
        for index in 148..<156 {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x37 {
                stored = stored * 8 + Int(byte - 0x30)
                digits += 1
            } else if byte == 0x20 && digits == 0 {
                continue
            } else {
                break
            }
        }
        guard digits > 0 else { return false }
        // The sum of the header's bytes with the checksum field counted as spaces.
        var sum = 0
        for index in 0..<512 { sum += (148..<156).contains(index) ? 0x20 : Int(bytes[index]) }
        return sum == stored && sum != 8 * 0x20
    }

    /// Whether `bytes` begins with a 512-byte block of NUL bytes, which libarchive's tar reader
    /// takes for the end of an (empty) archive.
    static func startsWithNullBlock(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 512 else { return false }
        return bytes[0..<512].allSatisfy { $0 == 0 }
    }
}

/// Bytes of one member as the producer reads them: the container's bytes, possibly
/// decompressed again or transcoded to UTF-8 on the way.
protocol MemberBytes: AnyObject {
    /// Fills `buffer`; 0 at the member's end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int
}

/// The container's own bytes for the current member, counted so that the member's length can
/// be checked against the size its archive declares.
final class ContainerMemberBytes: MemberBytes {
    private let stream: any MemberStream
    private(set) var count: Int64 = 0

    init(_ stream: any MemberStream) { self.stream = stream }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        let got = try stream.read(into: buffer)
        count += Int64(got)
        return got
    }
}

/// The bytes read to classify a member, handed out again before the rest.
final class ReplayedMemberBytes: MemberBytes {
    private var prefix: [UInt8]
    private var replayed = 0
    private let rest: any MemberBytes

    init(prefix: [UInt8], rest: any MemberBytes) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        if replayed < prefix.count {
            let count = Swift.min(buffer.count, prefix.count - replayed)
            prefix.withUnsafeBytes {
                buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count)
            }
            replayed += count
            if replayed == prefix.count {
                prefix = []
                replayed = 0
            }
            return count
        }
        return try rest.read(into: buffer)
    }

    /// Reads up to ``MemberContent/prefixBytes`` first bytes of `source` (fewer only when it
    /// ends), to classify them.
    static func readPrefix(_ source: any MemberBytes) throws(InputFailure) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: MemberContent.prefixBytes, alignment: 16)
        defer { scratch.deallocate() }
        var filled = 0
        while filled < scratch.count {
            let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[filled...]))
            if got == 0 { break }
            filled += got
        }
        return Array(scratch[0..<filled])
    }
}

/// A compressed member, decompressed: gzip and zstd by Corpus's own decoders (which check every
/// gzip member's CRC-32), the rest by libarchive's filters.
final class DecompressedMemberBytes: MemberBytes {
    private let decoder: (any StreamDecoder)?
    private let archive: ArchiveHandle?
    let compression: String

    init(compression: String, source: any MemberBytes) throws(InputFailure) {
        self.compression = compression
        let read: (UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int = { buffer throws(InputFailure) in
            try source.read(into: buffer)
        }
        switch compression {
        case "gzip", "zstd":
            let bytes = ByteSource { buffer throws(ByteSourceFailure) in
                do throws(InputFailure) {
                    return try read(buffer)
                } catch {
                    throw ByteSourceFailure(errno: 0, reason: error.message)
                }
            }
            decoder =
                compression == "gzip"
                ? GzipDecoder(source: bytes, inputBlockSize: 256 << 10)
                : ZstdDecoder(source: bytes, inputBlockSize: 256 << 10)
            archive = nil
        default:
            let handle = ArchiveHandle(formats: .rawOnly)
            do throws(ArchiveFailure) {
                try handle.open(blockSize: 256 << 10) { buffer throws(ArchiveFailure) in
                    do throws(InputFailure) {
                        return try read(buffer)
                    } catch {
                        throw ArchiveFailure(message: error.message, errno: 0)
                    }
                }
                guard try handle.nextEntry() != nil else {
                    throw ArchiveFailure(message: "the \(compression) data is empty", errno: 0)
                }
            } catch {
                throw InputFailure(
                    message: "the member is \(compression)-compressed, and decompressing it failed: \(error.message)")
            }
            decoder = nil
            archive = handle
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        if let decoder {
            do throws(DecodeFailure) {
                let count = try decoder.read(into: buffer)
                if count == 0 && !decoder.isFinished {
                    throw DecodeFailure("the stream ended before its end was checked")
                }
                return count
            } catch {
                throw InputFailure(
                    message: "the member is \(compression)-compressed, and decompressing it failed: \(error.reason)")
            }
        }
        do throws(ArchiveFailure) {
            return try archive!.read(into: buffer)
        } catch {
            throw InputFailure(
                message: "the member is \(compression)-compressed, and decompressing it failed: \(error.message)")
        }
    }
}

/// UTF-16 or UTF-32 text (after its byte-order mark) transcoded to UTF-8, so that the record
/// parsers see the text they expect. An unpaired surrogate or a value past U+10FFFF becomes
/// U+FFFD and is counted in ``replacements``.
final class TranscodedMemberBytes: MemberBytes {
    private let encoding: UnicodeEncoding
    private let source: any MemberBytes
    /// Input bytes not yet transcoded (at most one incomplete unit or surrogate pair carried over).
    private var input: [UInt8] = []
    private var inputStart = 0
    private var sourceEnded = false
    private(set) var replacements = 0

    init(encoding: UnicodeEncoding, source: any MemberBytes) {
        self.encoding = encoding
        self.source = source
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        let output = buffer.bindMemory(to: UInt8.self)
        var written = 0
        while written == 0 {
            // A UTF-16 unit becomes at most 3 UTF-8 bytes (a pair of them, 4); a UTF-32 unit, 4.
            let wanted = encoding.unitBytes == 2 ? (output.count - 4) / 3 * 2 : output.count / 4 * 4
            if input.count - inputStart < wanted && !sourceEnded {
                input.removeFirst(inputStart)
                inputStart = 0
                let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: wanted - input.count, alignment: 16)
                defer { scratch.deallocate() }
                var filled = 0
                while filled < scratch.count {
                    let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[filled...]))
                    if got == 0 {
                        sourceEnded = true
                        break
                    }
                    filled += got
                }
                input.append(contentsOf: scratch[0..<filled])
            }
            let available = input.count - inputStart
            if available == 0 { return 0 }
            written = transcode(into: output, limit: wanted)
            if written == 0 && sourceEnded {
                // Only an incomplete unit is left: the text was cut off.
                replacements += 1
                inputStart = input.count
                output[0] = 0xEF; output[1] = 0xBF; output[2] = 0xBD
                return 3
            }
        }
        return written
    }

    /// Transcodes whole units from `input` into `output`; leaves an incomplete tail for later.
    private func transcode(into output: UnsafeMutableBufferPointer<UInt8>, limit: Int) -> Int {
        var out = 0
        var index = inputStart
        let end = Swift.min(input.count, inputStart + limit)
        let unitBytes = encoding.unitBytes
        func unit(_ at: Int) -> UInt32 {
            switch encoding {
            case .utf16LittleEndian: UInt32(input[at]) | UInt32(input[at + 1]) << 8
            case .utf16BigEndian: UInt32(input[at]) << 8 | UInt32(input[at + 1])
            case .utf32LittleEndian:
                UInt32(input[at]) | UInt32(input[at + 1]) << 8 | UInt32(input[at + 2]) << 16 | UInt32(input[at + 3])
                    << 24
            case .utf32BigEndian:
                UInt32(input[at]) << 24 | UInt32(input[at + 1]) << 16 | UInt32(input[at + 2]) << 8
                    | UInt32(input[at + 3])
            }
        }
        while index + unitBytes <= end {
            var value = unit(index)
            var consumed = unitBytes
            if unitBytes == 2 && value >= 0xD800 && value <= 0xDBFF {
                // A high surrogate needs its low partner, which may be in the next read.
                if index + 4 > input.count {
                    if !sourceEnded { break }
                    value = 0xFFFD
                    replacements += 1
                } else {
                    let low = unit(index + 2)
                    if low >= 0xDC00 && low <= 0xDFFF {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        consumed = 4
                    } else {
                        value = 0xFFFD
                        replacements += 1
                    }
                }
            } else if (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF {
                value = 0xFFFD
                replacements += 1
            }
            let scalar = Unicode.Scalar(value)!
            for byte in UTF8.encode(scalar)! {
                output[out] = byte
                out += 1
            }
            index += consumed
        }
        inputStart = index
        return out
    }
}
