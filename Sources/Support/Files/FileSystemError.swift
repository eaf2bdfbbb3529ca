import Foundation

/// A failed file operation, naming the file and the system's reason.
public enum FileSystemError: LocalizedError, Equatable, Sendable {
    case cannotOpen(path: String, code: Int32)
    case cannotRead(path: String, code: Int32)
    case cannotWrite(path: String, code: Int32)
    /// Forcing the file's data to disk (`fsync`) failed.
    case cannotSynchronize(path: String, code: Int32)
    case cannotMap(path: String, code: Int32)
    case cannotRename(from: String, to: String, code: Int32)

    /// The file the operation was on (the destination of a rename).
    public var path: String {
        switch self {
        case let .cannotOpen(path, _), let .cannotRead(path, _), let .cannotWrite(path, _),
            let .cannotSynchronize(path, _), let .cannotMap(path, _):
            path
        case let .cannotRename(_, to, _): to
        }
    }

    /// The system's error number (`errno`).
    public var code: Int32 {
        switch self {
        case let .cannotOpen(_, code), let .cannotRead(_, code), let .cannotWrite(_, code),
            let .cannotSynchronize(_, code), let .cannotMap(_, code), let .cannotRename(_, _, code):
            code
        }
    }

    /// The system's words for what went wrong (`strerror`), without the path.
    public var reason: String { String(cString: strerror(code)) }

    public var errorDescription: String? {
        switch self {
        case let .cannotOpen(path, _): "Cannot open '\(path)': \(reason)."
        case let .cannotRead(path, _): "Reading '\(path)' failed: \(reason)."
        case let .cannotWrite(path, _): "Writing '\(path)' failed: \(reason)."
        case let .cannotSynchronize(path, _): "Forcing '\(path)' to disk failed: \(reason)."
        case let .cannotMap(path, _): "Cannot map '\(path)' into memory: \(reason)."
        case let .cannotRename(from, to, _): "Cannot move '\(from)' to '\(to)': \(reason)."
        }
    }
}
