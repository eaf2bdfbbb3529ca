/// Decompresses a gzip stream — one member, or several written one after another (`cat a.gz
/// b.gz`, pigz and bgzip output) — read once from a ``ByteSource``, inflating with ISA-L and
/// checking every member's CRC-32 and length against its trailer.
///
/// Trailing zero bytes after the last member (tape and block padding) are accepted, as gzip
/// does. Anything else after a member that is not another gzip member is an error rather than
/// being skipped: it may be the damaged start of data the user expects to be read.
final class GzipDecoder: StreamDecoder {
    private enum Phase {
        case header(GzipHeaderParser)
        case deflate
        case trailer
        case betweenMembers
        case padding
        case finished
    }

    private let source: ByteSource
    private let inflater = IsalInflater()
    /// Reads land after `headroom` bytes, so that the (at most eight) bytes ISA-L read ahead of
    /// a member's end can be put back in front of the unread input.
    private let input: UnsafeMutableRawBufferPointer
    private static let headroom = 16
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceEnded = false
    private var phase = Phase.header(GzipHeaderParser())
    private var trailer: [UInt8] = []
    /// Bytes the current member has inflated to so far.
    private var memberLength: UInt64 = 0
    /// The current member, counted from 1.
    private(set) var member = 1
    /// Members whose CRC-32 and length matched their trailer.
    private(set) var membersVerified = 0
    /// A failure met after some bytes of the last read, thrown by the next read.
    private var pendingFailure: DecodeFailure?

    init(source: ByteSource, inputBlockSize: Int = 1 << 20) {
        self.source = source
        input = .allocate(byteCount: Self.headroom + Swift.max(1, inputBlockSize), alignment: 64)
        trailer.reserveCapacity(8)
    }

    deinit { input.deallocate() }

    var compressionName: String { "gzip" }
    var checksumsVerified: Int { membersVerified }

    /// Compressed bytes decoded so far (for progress and for the offset of an error).
    var compressedBytesConsumed: Int64 { source.bytesRead - Int64(inputEnd - inputStart) }

    /// Whether the whole stream was read and checked.
    var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    /// Fills `output` with decompressed bytes; fewer only at the end of the stream, 0 after it.
    /// A failure is thrown once the bytes inflated before it have been returned.
    func read(into output: UnsafeMutableRawBufferPointer) throws(DecodeFailure) -> Int {
        if let failure = pendingFailure { throw failure }
        var produced = 0
        do {
            try fill(output, produced: &produced)
        } catch {
            guard produced > 0 else { throw error }
            pendingFailure = error
        }
        return produced
    }

    private func fill(_ output: UnsafeMutableRawBufferPointer, produced: inout Int) throws(DecodeFailure) {
        while produced < output.count {
            if inputStart == inputEnd && !sourceEnded { try refill() }
            let available = UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd])
            switch phase {
            case .finished:
                return
            case var .header(parser):
                if available.isEmpty {
                    throw truncated(
                        member == 1 ? "inside the gzip header" : "inside the header of gzip member \(member)")
                }
                do {
                    inputStart += try parser.feed(available)
                } catch {
                    switch error {
                    case .notGzip where member > 1:
                        throw DecodeFailure(
                            "the data after gzip member \(member - 1) (from compressed byte "
                                + "\(compressedBytesConsumed)) "
                                + "is not another gzip member (trailing garbage)")
                    case .notGzip:
                        throw DecodeFailure("the data does not start with a gzip header")
                    case let .badHeader(reason):
                        throw DecodeFailure("the header of gzip member \(member) is damaged: \(reason)")
                    }
                }
                if parser.isComplete {
                    inflater.startMember()
                    memberLength = 0
                    phase = .deflate
                } else {
                    phase = .header(parser)
                }
            case .deflate:
                let room = UnsafeMutableRawBufferPointer(rebasing: output[produced...])
                let step: IsalInflater.Step
                do {
                    step = try inflater.inflate(from: available, into: room)
                } catch {
                    throw DecodeFailure("gzip member \(member) holds \(error.reason)")
                }
                inputStart += step.consumed
                produced += step.produced
                memberLength += UInt64(step.produced)
                if step.memberEnded {
                    guard let unused = inflater.unusedInput(), unused.count <= inputStart else {
                        throw DecodeFailure("the end of gzip member \(member)'s deflate data could not be located")
                    }
                    inputStart -= unused.count
                    for (offset, byte) in unused.enumerated() { input[inputStart + offset] = byte }
                    trailer.removeAll(keepingCapacity: true)
                    phase = .trailer
                } else if step.consumed == 0 && step.produced == 0 {
                    if available.isEmpty && sourceEnded {
                        throw truncated("inside the compressed data of gzip member \(member)")
                    }
                    if !available.isEmpty {
                        // ISA-L takes all input it is given; stopping without progress would loop forever.
                        throw DecodeFailure(
                            "gzip member \(member) could not be inflated further (ISA-L made no progress)")
                    }
                }
            case .trailer:
                if available.isEmpty { throw truncated("inside the 8-byte trailer of gzip member \(member)") }
                let take = Swift.min(8 - trailer.count, available.count)
                trailer.append(contentsOf: available[0..<take])
                inputStart += take
                if trailer.count == 8 {
                    try verifyTrailer()
                    membersVerified += 1
                    phase = .betweenMembers
                }
            case .betweenMembers:
                if available.isEmpty {
                    phase = .finished
                } else if available[0] == 0 {
                    phase = .padding
                } else {
                    member += 1
                    phase = .header(GzipHeaderParser())
                }
            case .padding:
                if available.isEmpty {
                    phase = .finished
                } else if let nonZero = available.firstIndex(where: { $0 != 0 }) {
                    inputStart += nonZero
                    throw DecodeFailure(
                        "after gzip member \(member) and zero padding, the data from compressed byte "
                            + "\(compressedBytesConsumed) is not gzip (trailing garbage)")
                } else {
                    inputStart = inputEnd
                }
            }
        }
    }

    private func refill() throws(DecodeFailure) {
        inputStart = Self.headroom
        inputEnd = Self.headroom
        do {
            inputEnd += try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input[Self.headroom...]))
        } catch {
            throw DecodeFailure("reading failed: \(error.message)")
        }
        if inputEnd == inputStart { sourceEnded = true }
    }

    private func verifyTrailer() throws(DecodeFailure) {
        func word(_ at: Int) -> UInt32 {
            UInt32(trailer[at]) | UInt32(trailer[at + 1]) << 8 | UInt32(trailer[at + 2]) << 16 | UInt32(trailer[at + 3])
                << 24
        }
        let storedCRC = word(0)
        let storedLength = word(4)
        let computedCRC = inflater.crc
        guard storedCRC == computedCRC else {
            throw DecodeFailure(
                "the CRC-32 check of gzip member \(member) failed (stored \(hex(storedCRC)), computed "
                    + "\(hex(computedCRC)))"
            )
        }
        // The trailer stores the length modulo 2³².
        guard storedLength == UInt32(truncatingIfNeeded: memberLength) else {
            throw DecodeFailure(
                "the length check of gzip member \(member) failed "
                    + "(the trailer records \(storedLength) bytes mod 2³², \(memberLength) were inflated)")
        }
    }

    private func truncated(_ place: String) -> DecodeFailure {
        DecodeFailure("the gzip data is truncated: it ends \(place)")
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
