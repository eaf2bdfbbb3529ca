import Foundation
import Support

/// Minimal JSON writing helpers: vocabulary files are written by hand so that key order, one token
/// per line and non-ASCII text (kept as UTF-8, not \u escapes) are stable and readable in diffs.
enum JSONText {
    /// `string` as a JSON string literal.
    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                // Other controls, and the line/paragraph separators some JSON readers choke on.
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func optional(_ string: String?) -> String { string.map(quoted) ?? "null" }
    static func optional(_ value: Int?) -> String { value.map(String.init) ?? "null" }
}

/// Writes `data` to `url` through Support's `AtomicFile` (a temporary file in the same
/// directory, forced to disk, then renamed over the target), so readers never see a
/// half-written file; failures become `TokenizationError`s naming the target.
func writeAtomically(_ data: Data, to url: URL) throws(TokenizationError) {
    do throws(FileSystemError) {
        try AtomicFile.write(data, to: url)
    } catch {
        let operation = if case .cannotOpen = error { "create a temporary file for" } else { "write" }
        throw .fileOperationFailed(path: url.path, operation: operation, reason: error.reason)
    }
}

/// Reads a whole file, mapping failures to `TokenizationError`.
func readFile(_ url: URL) throws(TokenizationError) -> Data {
    do {
        return try Data(contentsOf: url)
    } catch {
        throw .fileOperationFailed(path: url.path, operation: "read", reason: (error as NSError).localizedDescription)
    }
}
