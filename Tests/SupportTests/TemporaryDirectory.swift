import Foundation

/// A fresh directory under the system's temporary directory, removed when dropped.
final class TemporaryDirectory {
    let url: URL

    init(_ name: String = #function) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("support-tests-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}
