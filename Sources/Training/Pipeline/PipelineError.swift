import Foundation

/// What is wrong with a pipeline file or a run's settings, in words that name the file and key.
public enum PipelineError: LocalizedError, Sendable, Equatable {
    case unreadable(file: String, reason: String)
    case invalidYAML(file: String, reason: String)
    case unknownKey(file: String, key: String, allowed: [String])
    case invalidValue(file: String, key: String, reason: String)
    /// A value a stage's own check refused, in that stage's full sentence.
    case invalidSetting(file: String, key: String, sentence: String)
    case missing(file: String, key: String, reason: String)
    case duplicateKey(file: String, key: String, firstLine: Int?, secondLine: Int?)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let file, let reason):
            return "Cannot read the pipeline file \(file): \(reason)."
        case .invalidYAML(let file, let reason):
            return "The pipeline file \(file) is not valid YAML: \(reason)"
        case .unknownKey(let file, let key, let allowed):
            return "\(file): unknown key '\(key)'. Allowed here: \(allowed.sorted().joined(separator: ", "))."
        case .invalidValue(let file, let key, let reason):
            return "\(file): '\(key)' \(reason)."
        case .invalidSetting(let file, let key, let sentence):
            return "\(file): '\(key)': \(sentence)"
        case .missing(let file, let key, let reason):
            return "\(file): '\(key)' is missing; \(reason)."
        case .duplicateKey(let file, let key, let firstLine, let secondLine):
            let lines = [firstLine, secondLine].compactMap { $0 }.map(String.init)
            return
                "\(file): '\(key)' is given twice\(lines.count == 2 ? " (lines \(lines[0]) and \(lines[1]))" : ""); "
                    + "keep one of them."
        }
    }
}
