/// Code point order of UTF-16 texts (the order of their UTF-8 bytes and of Unicode scalars, unlike
/// raw UTF-16 unit order, which sorts U+E000...U+FFFF after supplementary characters).
enum CodePointOrder {
    @inline(__always)
    static func isLess(_ a: UnsafeBufferPointer<UInt16>, _ b: UnsafeBufferPointer<UInt16>) -> Bool {
        let shared = min(a.count, b.count)
        for index in 0..<shared {
            let x = a[index], y = b[index]
            if x != y { return fixup(x) < fixup(y) }
        }
        return a.count < b.count
    }

    /// Moves surrogates above U+E000...U+FFFF so that unit order matches code point order.
    @inline(__always)
    private static func fixup(_ unit: UInt16) -> UInt16 {
        guard unit >= 0xD800 else { return unit }
        return unit >= 0xE000 ? unit &- 0x800 : unit &+ 0x2000
    }
}
