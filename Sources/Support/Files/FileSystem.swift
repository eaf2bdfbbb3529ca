/// File operations on paths (rather than on an ``OpenFile``).
public enum FileSystem {
    /// Moves `source` to `destination` (in the same file system), replacing `destination`
    /// atomically. The move is durable once the directory is synchronized (an ``OpenFile``'s
    /// `synchronize()` covers the file's data, not its name).
    public static func move(_ source: String, to destination: String) throws(FileSystemError) {
        try FileSystemCalls.rename(source, to: destination)
    }
}
