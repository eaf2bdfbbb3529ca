#if canImport(Glibc)
    import Glibc
#endif

/// A failed `open` or `read`.
struct ByteSourceFailure: Error {
    var errno: Int32
    /// Set when the bytes come from another reader whose failure explains itself.
    var reason: String? = nil

    var message: String { reason ?? String(cString: strerror(errno)) }
}
