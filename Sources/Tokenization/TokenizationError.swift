import Foundation

/// Everything that can go wrong while configuring a tokenizer, tokenizing, or reading and writing
/// vocabularies. Messages are full sentences meant for end users (`localizedDescription`).
public enum TokenizationError: Error, Sendable, Equatable, LocalizedError {
    /// The lowercase or break-iterator locale is not one ICU knows, e.g. "xx" or "klingon".
    case invalidLocale(String)
    /// An ICU call failed; `statusName` is ICU's own name for the status (`u_errorName`).
    case icuFailure(operation: String, statusName: String)
    /// A configuration value is out of range or contradicts another one.
    case invalidConfiguration(String)
    /// A single record is too long for ICU's 32-bit offsets.
    case recordTooLong(utf8Count: Int)
    /// A vocabulary file exists but its content is wrong; `reason` says what is wrong.
    case malformedVocabulary(path: String, reason: String)
    /// Reading or writing a file failed.
    case fileOperationFailed(path: String, operation: String, reason: String)
    /// The vocabulary's tokenizer has no faithful Hugging Face `tokenizer.json` equivalent.
    case unsupportedExport(String)

    /// A full-sentence description naming the locale, ICU status, file or option involved.
    public var errorDescription: String? {
        switch self {
        case .invalidLocale(let locale):
            return
                "The locale \"\(locale)\" is not a locale ICU knows; use a language code such as \"en\" or \"tr\", or "
                    + "\"\" for the root locale."
        case .icuFailure(let operation, let statusName):
            return "The ICU call \(operation) failed with status \(statusName)."
        case .invalidConfiguration(let reason):
            return "The tokenizer configuration is invalid: \(reason)."
        case .recordTooLong(let count):
            return "A record of \(count) UTF-8 bytes is too long to tokenize; records must be shorter than 2 GiB."
        case .malformedVocabulary(let path, let reason):
            return "The vocabulary file \(path) is malformed: \(reason)."
        case .fileOperationFailed(let path, let operation, let reason):
            return "Could not \(operation) the file \(path): \(reason)."
        case .unsupportedExport(let reason):
            return "This vocabulary cannot be exported as a Hugging Face tokenizer.json: \(reason)."
        }
    }
}
