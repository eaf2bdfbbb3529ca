import Support

/// Reads one gzip member header (RFC 1952) from a stream that may arrive in pieces of any size:
/// the ten fixed bytes, then the optional extra field, file name, comment and header CRC-16
/// that the flags announce (Python's `gzip` module and `gzip -N` write the name, some tools the
/// others). Their contents are skipped; only the header CRC is checked when present.
struct GzipHeaderParser {
    private enum Stage {
        case fixed
        case extraLength
        case extra(remaining: Int)
        case name
        case comment
        case headerCRC
        case done
    }

    private static let textFlag: UInt8 = 0x01
    private static let headerCRCFlag: UInt8 = 0x02
    private static let extraFlag: UInt8 = 0x04
    private static let nameFlag: UInt8 = 0x08
    private static let commentFlag: UInt8 = 0x10
    private static let reservedFlags: UInt8 = 0xE0

    private var stage = Stage.fixed
    /// Bytes of a multi-byte field collected so far (the fixed part, the extra length, the CRC-16).
    private var pending: [UInt8] = []
    private var flags: UInt8 = 0
    /// Of the header bytes before the CRC-16, for checking it.
    private var crc = CRC32()

    init() { pending.reserveCapacity(10) }

    var isComplete: Bool {
        if case .done = stage { return true }
        return false
    }

    /// Consumes header bytes from the start of `bytes`; returns how many. The header is complete
    /// when ``isComplete`` is true; otherwise all of `bytes` was consumed and more are needed.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(GzipFormatError) -> Int {
        var index = 0
        while index < bytes.count {
            switch stage {
            case .done:
                return index
            case .fixed:
                let take = Swift.min(10 - pending.count, bytes.count - index)
                pending.append(contentsOf: bytes[index..<(index + take)])
                index += take
                // The magic number is checked as soon as it is there, so that a few bytes of
                // something else read as "not gzip" rather than as a truncated header.
                if pending[0] != 0x1F || (pending.count >= 2 && pending[1] != 0x8B) { throw .notGzip }
                guard pending.count == 10 else { continue }
                guard pending[2] == 8 else {
                    throw .badHeader("compression method \(pending[2]) is not deflate (8)")
                }
                flags = pending[3]
                guard flags & Self.reservedFlags == 0 else {
                    throw .badHeader("reserved header flags are set (flags byte 0x\(String(flags, radix: 16)))")
                }
                hash(pending)
                pending.removeAll(keepingCapacity: true)
                stage = flags & Self.extraFlag != 0 ? .extraLength : stageAfterExtra
            case .extraLength:
                pending.append(bytes[index])
                index += 1
                guard pending.count == 2 else { continue }
                hash(pending)
                let length = Int(pending[0]) | Int(pending[1]) << 8
                pending.removeAll(keepingCapacity: true)
                stage = length > 0 ? .extra(remaining: length) : stageAfterExtra
            case let .extra(remaining):
                let take = Swift.min(remaining, bytes.count - index)
                hash(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                stage = take == remaining ? stageAfterExtra : .extra(remaining: remaining - take)
            case .name, .comment:
                // A zero-terminated string.
                let start = index
                while index < bytes.count && bytes[index] != 0 { index += 1 }
                let ended = index < bytes.count
                if ended { index += 1 }
                hash(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                if ended {
                    if case .name = stage { stage = stageAfterName } else { stage = stageAfterComment }
                }
            case .headerCRC:
                pending.append(bytes[index])
                index += 1
                guard pending.count == 2 else { continue }
                let stored = UInt16(pending[0]) | UInt16(pending[1]) << 8
                let computed = UInt16(truncatingIfNeeded: crc.value)
                guard stored == computed else {
                    throw .badHeader(
                        "the header's CRC-16 does not match (stored \(hex(stored)), computed \(hex(computed)))")
                }
                stage = .done
            }
        }
        return index
    }

    private var stageAfterExtra: Stage { flags & Self.nameFlag != 0 ? .name : stageAfterName }
    private var stageAfterName: Stage { flags & Self.commentFlag != 0 ? .comment : stageAfterComment }
    private var stageAfterComment: Stage { flags & Self.headerCRCFlag != 0 ? .headerCRC : .done }

    private mutating func hash(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { crc.update($0) }
    }

    private mutating func hash(_ bytes: UnsafeRawBufferPointer) {
        crc.update(
            UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// What is wrong with the gzip framing around the deflate data.
enum GzipFormatError: Error, Equatable {
    /// The bytes do not start with the gzip magic number 1f 8b.
    case notGzip
    /// The header is damaged or uses something gzip does not define.
    case badHeader(String)
}
