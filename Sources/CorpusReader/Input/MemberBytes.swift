/// Bytes of one member as the producer reads them: the container's bytes, possibly
/// decompressed again or transcoded to UTF-8 on the way.
protocol MemberBytes: AnyObject {
    /// Fills `buffer`; 0 at the member's end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int
}
