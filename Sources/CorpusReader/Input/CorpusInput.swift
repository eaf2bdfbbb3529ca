import Foundation

/// One input named by the user: a file path or standard input (`-`).
public enum CorpusInput: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case standardInput

    /// `-` means standard input; anything else is a path.
    public init(argument: String) {
        self = argument == "-" ? .standardInput : .file(argument)
    }

    public var description: String {
        switch self {
        case let .file(path): path
        case .standardInput: "-"
        }
    }

    /// The file's size in bytes, when it is a regular file (for progress and ETA).
    public var fileSize: Int64? {
        guard case let .file(path) = self,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else { return nil }
        return size.int64Value
    }

    /// Fails with a clear error when the path is missing, a directory, or unreadable; run
    /// before a read starts so that a typo is reported at once, not after the first file.
    public func checkReadable() throws(CorpusError) {
        guard case let .file(path) = self else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableInput(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw .inputIsDirectory(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadableInput(path: path, reason: "permission denied")
        }
    }
}
