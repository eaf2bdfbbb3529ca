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
