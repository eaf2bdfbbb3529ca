import Foundation
@_spi(Testing) import Tokenization

/// One `Tokenizer` per concurrent worker. Tokenizers own ICU break iterators and buffers and are
/// not thread-safe, so each transform borrows one exclusively and returns it; creating them is
/// expensive, so they are made once and reused for the whole corpus.
final class TokenizerPool: @unchecked Sendable {
    // @unchecked: `free` is guarded by `lock`, and a borrowed tokenizer is used by one task only.
    private let lock = NSLock()
    private var free: [Tokenizer]
    private let configuration: TokenizerConfiguration
    /// nil: the tokenizer's default (on unless the environment turns it off).
    private let plainTextFastPath: Bool?

    init(configuration: TokenizerConfiguration, size: Int, plainTextFastPath: Bool? = nil) throws(TokenizationError) {
        self.configuration = configuration
        self.plainTextFastPath = plainTextFastPath
        free = []
        for _ in 0..<size { free.append(try makeTokenizer()) }
    }

    private func makeTokenizer() throws(TokenizationError) -> Tokenizer {
        guard let plainTextFastPath else { return try configuration.makeTokenizer() }
        return try Tokenizer(configuration: configuration, plainTextFastPath: plainTextFastPath)
    }

    func withTokenizer<Result>(_ body: (Tokenizer) throws -> Result) throws -> Result {
        lock.lock()
        let borrowed = free.popLast()
        lock.unlock()
        let tokenizer = try borrowed ?? makeTokenizer()
        defer {
            lock.lock()
            free.append(tokenizer)
            lock.unlock()
        }
        return try body(tokenizer)
    }
}
