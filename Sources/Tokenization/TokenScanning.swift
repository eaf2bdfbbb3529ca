import CScan

/// Tokenization's calls into CScan (the only file of this module that imports it): the word scan
/// of plain text and the cache hint of batched lookups.
enum TokenScanning {
    /// What a unit is to the word scan (`CS_UNIT_*`): bits of one byte per code point.
    static let word = UInt8(CS_UNIT_WORD)
    static let letter = UInt8(CS_UNIT_LETTER)
    static let digit = UInt8(CS_UNIT_DIGIT)
    static let joinsLetters = UInt8(CS_UNIT_JOINS_LETTERS)
    static let joinsDigits = UInt8(CS_UNIT_JOINS_DIGITS)
    static let space = UInt8(CS_UNIT_SPACE)
    static let complex = UInt8(CS_UNIT_COMPLEX)

    /// The best instruction set (`CS_ISA_*`) this CPU runs the scan on, capped by `CK_ISA`.
    static var bestISA: Int32 { cs_isa_best() }

    /// Every instruction set this CPU runs the scan on, portable first.
    static var supportedISAs: [Int32] {
        [Int32(CS_ISA_PORTABLE), Int32(CS_ISA_AVX2), Int32(CS_ISA_AVX512)].filter { cs_isa_supported($0) != 0 }
    }

    /// `cs_plain_word_spans`: the number of tokens, or -1 when the text is left to the caller.
    @inline(__always)
    static func plainWordSpans(
        isa: Int32, units: UnsafeMutablePointer<UInt16>, count: Int, capacity: Int, kinds: UnsafePointer<UInt8>,
        kindsCount: Int, starts: UnsafeMutablePointer<UInt32>, ends: UnsafeMutablePointer<UInt32>
    ) -> Int {
        cs_plain_word_spans(isa, units, count, capacity, kinds, kindsCount, starts, ends)
    }

    /// Asks the CPU to start loading the cache line holding `address` (a hint; it never faults).
    @inline(__always)
    static func prefetch(_ address: UnsafeRawPointer) {
        cs_prefetch(address)
    }
}
