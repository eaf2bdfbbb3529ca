import Foundation

/// Parses the decimal numbers of word-vector files (`-0.38497`, `1.2e-05`) straight from bytes,
/// with results identical to `strtof`.
///
/// The fast path is Clinger's: when the digits form an integer `m ≤ 2²⁴` (exact in a Float) and
/// the decimal exponent `k` is within ±10 (10^k is exact in a Float), `m × 10^k` or `m / 10^-k`
/// is one correctly rounded IEEE operation on exact operands, so it equals the correctly rounded
/// value `strtof` returns. GloVe's values (six or seven significant digits) always take it.
/// Anything else — more digits, large exponents, `nan`, `inf`, hex — goes to `strtof` itself.
enum DecimalFloatParser {
    private static let powers: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// The value of exactly the bytes `[start, start + count)`, or `nil` when they are not a
    /// number as a whole.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ count: Int) -> Float? {
        var index = 0
        var negative = false
        if count > 0 && (start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+")) {
            negative = start[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        while index < count, start[index] &- 48 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(start[index] &- 48)
            digits += 1
            index += 1
        }
        if index < count && start[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, start[index] &- 48 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(start[index] &- 48)
                digits += 1
                exponent -= 1
                index += 1
            }
        }
        // No digits, or so many that the mantissa may have wrapped: let strtof decide.
        guard digits > 0 && digits <= 19 else { return slowParse(start, count) }
        if index < count && start[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count && (start[index] == UInt8(ascii: "-") || start[index] == UInt8(ascii: "+")) {
                exponentNegative = start[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var exponentDigits = 0
            while index < count, start[index] &- 48 < 10, exponentDigits < 6 {
                value = value * 10 + Int(start[index] &- 48)
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return slowParse(start, count) }
            exponent += exponentNegative ? -value : value
        }
        guard index == count else { return slowParse(start, count) }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard mantissa <= 1 << 24 && exponent >= -10 && exponent <= 10 else { return slowParse(start, count) }
        let value =
            exponent < 0
            ? Float(mantissa) / powers[-exponent]
            : Float(mantissa) * powers[exponent]
        return negative ? -value : value
    }

    /// `strtof` on a NUL-terminated copy; `nil` unless it consumes every byte.
    static func slowParse(_ start: UnsafePointer<UInt8>, _ count: Int) -> Float? {
        guard count > 0 && count < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Float? in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: count)
            base[count] = 0
            // strtof skips leading white space; fields never start with any, but be exact.
            if isspace(Int32(base[0])) != 0 { return nil }
            var end: UnsafeMutablePointer<CChar>?
            let value = strtof(base, &end)
            guard let end, end - base == count else { return nil }
            return value
        }
    }
}
