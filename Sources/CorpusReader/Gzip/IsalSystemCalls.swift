import CIsal

/// The one file through which Corpus calls ISA-L.
///
/// ISA-L inflates raw deflate data here; the gzip framing around it (header, trailer, several
/// members one after another) is read by ``GzipDecoder`` so that a damaged file can be reported
/// precisely (which member, stored against computed CRC-32). ISA-L computes each member's
/// CRC-32 while it inflates. No ISA-L type leaves this file.
final class IsalInflater {
    private let state: UnsafeMutablePointer<inflate_state>

    init() {
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
    }

    deinit { state.deallocate() }

    /// Prepares for the deflate data of a new gzip member (its header already read).
    func startMember() {
        isal_inflate_reset(state)
        // Raw deflate with the gzip CRC-32 of the output kept in `state.crc`; the trailer is
        // compared by the caller.
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR)
    }

    /// What one ``inflate(from:into:)`` call did.
    struct Step {
        var consumed: Int
        var produced: Int
        /// The member's deflate data ended; the bytes after `consumed` are its trailer.
        var memberEnded: Bool
    }

    /// Inflates from `input` into `output` until one is exhausted or the deflate data ends.
    func inflate(from input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure)
        -> Step
    {
        let inputCount = UInt32(clamping: input.count)
        let outputCount = UInt32(clamping: output.count)
        // ISA-L does not write through next_in; its field is merely declared non-const.
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = inputCount
        state.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = outputCount
        let status = isal_inflate(state)
        let step = Step(
            consumed: Int(inputCount - state.pointee.avail_in),
            produced: Int(outputCount - state.pointee.avail_out),
            memberEnded: state.pointee.block_state == ISAL_BLOCK_FINISH)
        guard status == ISAL_DECOMP_OK else { throw InflateFailure(status: status) }
        return step
    }

    /// Input bytes ISA-L loaded ahead into its bit buffer but did not use. Once a member's
    /// deflate data ended they are the start of what follows it (its trailer), which the caller
    /// must read again; `nil` if ISA-L holds unused input elsewhere, which it should not.
    func unusedInput() -> [UInt8]? {
        guard state.pointee.tmp_in_size == 0 else { return nil }
        var length = Int(state.pointee.read_in_length)
        guard length > 0 else { return [] }
        // The lowest bits are the unused rest of the deflate data's last byte.
        var bits = state.pointee.read_in >> UInt64(length % 8)
        length -= length % 8
        var bytes: [UInt8] = []
        for _ in 0..<(length / 8) {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
        return bytes
    }

    /// The CRC-32 of everything inflated since ``startMember()``.
    var crc: UInt32 { state.pointee.crc }
}

/// An error ISA-L reported for the deflate data.
struct InflateFailure: Error {
    var status: Int32

    /// What is wrong, in the words of the deflate format.
    var reason: String {
        switch status {
        case ISAL_INVALID_BLOCK: "an invalid deflate block header"
        case ISAL_INVALID_SYMBOL: "an invalid deflate code"
        case ISAL_INVALID_LOOKBACK: "a deflate back-reference before the start of the data"
        case ISAL_NEED_DICT: "deflate data that needs a preset dictionary"
        case ISAL_INCORRECT_CHECKSUM: "a checksum mismatch"
        default: "ISA-L inflate error \(status)"
        }
    }
}
