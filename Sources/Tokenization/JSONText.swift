import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
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

/// Writes `data` to `url` atomically: a temporary file in the same directory, flushed, then
/// renamed over the target, so readers never see a half-written file.
func writeAtomically(_ data: Data, to url: URL) throws(TokenizationError) {
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
        throw .fileOperationFailed(path: path, operation: "create a temporary file for", reason: String(cString: strerror(errno)))
    }
    var failure: String?
    data.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                return
            }
            offset += written
        }
    }
    if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
    close(descriptor)
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
        unlink(temporary)
        throw .fileOperationFailed(path: path, operation: "write", reason: failure)
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
