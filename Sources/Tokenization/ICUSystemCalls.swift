import CICUShim

/// The one place where Tokenization calls into ICU (through the `CICUShim` C target).
enum ICUSystemCalls {
    /// The Unicode version of the ICU data linked into this process, e.g. "15.0".
    static var unicodeVersion: String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = cicu_unicode_version(&buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Facts about the ICU library Tokenization runs on.
public enum ICUInfo {
    /// The Unicode version of ICU's data (decides which characters and break rules apply).
    public static var unicodeVersion: String { ICUSystemCalls.unicodeVersion }
}
