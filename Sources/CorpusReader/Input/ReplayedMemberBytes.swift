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
