/// Finds named string fields in one JSON object (one JSON Lines record) without building a
/// document: values of other keys are validated and skipped; only the wanted strings are
/// decoded (escapes, `\u` surrogate pairs) into a reused buffer.
struct JSONFieldExtractor {
    enum Outcome {
        case found(Range<Int>)
        case missing
        case notString
    }

    enum Failure: Error {
        case invalid(String)
    }

    private let fieldNames: [[UInt8]]
    /// The decoded strings of the last object, back to back.
    private(set) var decoded: [UInt8] = []
    private(set) var outcomes: [Outcome]
    private var scratch: [UInt8] = []

    init(fields: [String]) {
        fieldNames = fields.map { Array($0.utf8) }
        outcomes = Array(repeating: .missing, count: fields.count)
    }

    /// Parses one line holding one JSON object; afterwards ``outcomes`` says, per field, where
    /// its decoded text lies in ``decoded``.
    mutating func extract(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) {
        decoded.removeAll(keepingCapacity: true)
        for index in outcomes.indices { outcomes[index] = .missing }
        var cursor = Cursor(bytes: line)
        cursor.skipWhitespace()
        guard cursor.take(UInt8(ascii: "{")) else { throw .invalid("it does not start with '{'") }
        cursor.skipWhitespace()
        if !cursor.take(UInt8(ascii: "}")) {
            while true {
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: "\"") else {
                    throw .invalid("expected a key in quotes at column \(cursor.position + 1)")
                }
                scratch.removeAll(keepingCapacity: true)
                try cursor.readString(into: &scratch)
                let slot = fieldNames.firstIndex(of: scratch)
                cursor.skipWhitespace()
                guard cursor.take(UInt8(ascii: ":")) else {
                    throw .invalid("expected ':' at column \(cursor.position + 1)")
                }
                cursor.skipWhitespace()
                if let slot, case .missing = outcomes[slot] {
                    if cursor.peek == UInt8(ascii: "\"") {
                        let start = decoded.count
                        try cursor.readString(into: &decoded)
                        outcomes[slot] = .found(start..<decoded.count)
                    } else {
                        try cursor.skipValue(depth: 0)
                        outcomes[slot] = .notString
                    }
                } else {
                    try cursor.skipValue(depth: 0)
                }
                cursor.skipWhitespace()
                if cursor.take(UInt8(ascii: ",")) { continue }
                if cursor.take(UInt8(ascii: "}")) { break }
                throw .invalid("expected ',' or '}' at column \(cursor.position + 1)")
            }
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw .invalid("unexpected text after the object at column \(cursor.position + 1)") }
    }
}

/// A position in one line of JSON.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Reads a string starting at its opening quote, appending its decoded UTF-8 to `output`.
    mutating func readString(into output: inout [UInt8]) throws(JSONFieldExtractor.Failure) {
        position += 1  // the opening quote
        while position < bytes.count {
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                position += 1
            }
            if position > runStart {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            }
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte < 0x20 { throw .invalid("a control character inside a string at column \(position + 1)") }
            position += 1  // the backslash
            guard position < bytes.count else { break }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if position + 1 < bytes.count && bytes[position] == UInt8(ascii: "\\")
                        && bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw .invalid("an unpaired surrogate in \\u escapes")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        throw .invalid("an unpaired surrogate in \\u escapes")
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw .invalid("an unpaired surrogate in \\u escapes")
                }
                output.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                throw .invalid("an unknown escape '\\\(Character(Unicode.Scalar(escape)))' at column \(position)")
            }
        }
        throw .invalid("a string is not closed")
    }

    private mutating func readHex4() throws(JSONFieldExtractor.Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw .invalid("a \\u escape is cut short") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw .invalid("a \\u escape has a non-hex digit")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Skips any JSON value, checking its structure.
    mutating func skipValue(depth: Int) throws(JSONFieldExtractor.Failure) {
        guard depth < 512 else { throw .invalid("nesting deeper than 512 levels") }
        skipWhitespace()
        guard let byte = peek else { throw .invalid("a value is missing at the end of the line") }
        switch byte {
        case UInt8(ascii: "\""):
            var sink: [UInt8] = []
            try readString(into: &sink)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = byte == UInt8(ascii: "{")
            position += 1
            skipWhitespace()
            if take(close) { return }
            while true {
                skipWhitespace()
                if isObject {
                    guard peek == UInt8(ascii: "\"") else {
                        throw .invalid("expected a key in quotes at column \(position + 1)")
                    }
                    var sink: [UInt8] = []
                    try readString(into: &sink)
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { throw .invalid("expected ':' at column \(position + 1)") }
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                if take(close) { return }
                throw .invalid("expected ',' or '\(Character(Unicode.Scalar(close)))' at column \(position + 1)")
            }
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            position += 1
            while let next = peek,
                (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) || next == UInt8(ascii: ".")
                    || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") || next == UInt8(ascii: "+")
                    || next == UInt8(ascii: "-")
            {
                position += 1
            }
            if position - start == 1 && byte == UInt8(ascii: "-") {
                throw .invalid("a number is malformed at column \(start + 1)")
            }
        default:
            throw .invalid("unexpected '\(Character(Unicode.Scalar(byte)))' at column \(position + 1)")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONFieldExtractor.Failure) {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else {
            throw .invalid("a literal is cut short at column \(position + 1)")
        }
        for offset in 0..<length where bytes[position + offset] != word.utf8Start[offset] {
            throw .invalid("an unknown literal at column \(position + 1)")
        }
        position += length
    }
}
