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
