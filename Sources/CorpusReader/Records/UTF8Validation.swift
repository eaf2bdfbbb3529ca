/// UTF-8 validation on raw bytes: Keiser and Lemire's lookup algorithm 32 bytes at a time (AVX2
/// or AVX-512), with a skip for all-ASCII blocks, or a plain loop on CPUs without AVX2 — all in
/// ``ByteScanning`` (CScan), every path with the same verdicts.
enum UTF8Validation {
    /// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    @inline(__always)
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, on isa: ByteScanning.InstructionSet) -> Bool {
        ByteScanning.isValidUTF8(isa, bytes)
    }
}
