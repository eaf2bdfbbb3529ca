import Foundation

/// Errors of `.npy` files, naming the file.
public enum NpyError: LocalizedError, Sendable, Equatable {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case notNpy(path: String, reason: String)
    case wrongType(path: String, expected: String, found: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotCreate(path, reason): "Cannot create '\(path)': \(reason)."
        case let .writeFailed(path, reason): "Writing '\(path)' failed: \(reason)."
        case let .notNpy(path, reason): "'\(path)' is not a readable .npy file: \(reason)."
        case let .wrongType(path, expected, found): "'\(path)' holds \(found) values, but \(expected) were expected."
        }
    }
}
