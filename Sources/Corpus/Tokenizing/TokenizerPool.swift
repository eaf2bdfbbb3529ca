import Foundation
import Tokenization

/// One `Tokenizer` per concurrent worker. Tokenizers own ICU break iterators and buffers and are
/// not thread-safe, so each transform borrows one exclusively and returns it; creating them is
/// expensive, so they are made once and reused for the whole corpus.
final class TokenizerPool: @unchecked Sendable {
    // @unchecked: `free` is guarded by `lock`, and a borrowed tokenizer is used by one task only.
    private let lock = NSLock()
    private var free: [Tokenizer]
    private let configuration: TokenizerConfiguration

    init(configuration: TokenizerConfiguration, size: Int) throws(TokenizationError) {
        self.configuration = configuration
        free = []
        for _ in 0..<size { free.append(try configuration.makeTokenizer()) }
    }

    func withTokenizer<Result>(_ body: (Tokenizer) throws -> Result) throws -> Result {
        lock.lock()
        let borrowed = free.popLast()
        lock.unlock()
        let tokenizer = try borrowed ?? configuration.makeTokenizer()
        defer {
            lock.lock()
            free.append(tokenizer)
            lock.unlock()
        }
        return try body(tokenizer)
    }
}
