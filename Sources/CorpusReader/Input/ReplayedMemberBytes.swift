/// The bytes read to classify a member, handed out again before the rest.
final class ReplayedMemberBytes: MemberBytes {
    private var prefix: PrefixReplay
    private let rest: any MemberBytes

    init(prefix: [UInt8], rest: any MemberBytes) {
        self.prefix = PrefixReplay(prefix)
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
        if let count = prefix.read(into: buffer) { return count }
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
