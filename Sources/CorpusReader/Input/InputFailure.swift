/// What stopped reading an input, as a phrase for
/// ``CorpusError/corruptInput(path:member:uncompressedOffset:compressedOffset:reason:)``.
struct InputFailure: Error {
    var message: String
}
