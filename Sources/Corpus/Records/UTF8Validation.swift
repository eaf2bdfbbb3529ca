/// UTF-8 validation on raw bytes, with a fast path for ASCII (most corpora are mostly ASCII).
enum UTF8Validation {
    /// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    @inlinable
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        // The common all-ASCII record: sixteen bytes per step, then the last eight bytes
        // (overlapping what was checked) instead of a byte loop over the rest.
        if count >= 8 {
            let high: UInt64 = 0x8080_8080_8080_8080
            var offset = 0
            var seen: UInt64 = 0
            while offset + 16 <= count {
                seen |= UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
                    | UnsafeRawPointer(base + offset + 8).loadUnaligned(as: UInt64.self)
                offset += 16
            }
            if offset + 8 <= count { seen |= UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self) }
            seen |= UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self)
            if seen & high == 0 { return true }
        }
        var index = 0
        while index < count {
            // Eight ASCII bytes at a time: no byte has its high bit set; otherwise skip straight
            // to the first byte that has it.
            if index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let highBits = word & 0x8080_8080_8080_8080
                if highBits == 0 {
                    index += 8
                    continue
                }
                index += highBits.trailingZeroBitCount >> 3
            }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let needed: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: needed = 1
            case 0xE0: needed = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: needed = 2
            case 0xED: needed = 2; upper = 0x9F
            case 0xF0: needed = 3; lower = 0x90
            case 0xF1...0xF3: needed = 3
            case 0xF4: needed = 3; upper = 0x8F
            default: return false
            }
            // The lead byte and its continuation bytes must all be present.
            guard index + needed < count else { return false }
            let second = base[index + 1]
            guard second >= lower && second <= upper else { return false }
            var offset = 2
            while offset <= needed {
                guard base[index + offset] & 0xC0 == 0x80 else { return false }
                offset += 1
            }
            index += needed + 1
        }
        return true
    }
}
