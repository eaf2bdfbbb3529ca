import Testing

@testable import Tokenization

@Suite struct TokenIndexTests {
    @Test func numbersTokensInFirstSeenOrder() throws {
        let tokenizer = try TokenizerConfiguration(level: .whitespace).makeTokenizer()
        var index = TokenIndex(minimumCapacity: 2)
        var numbers: [Int] = []
        try Array("b a b c a".utf8).withUnsafeBufferPointer { utf8 in
            try tokenizer.forEachToken(utf8: utf8) { numbers.append(index.insert($0).index) }
        }
        #expect(numbers == [0, 1, 0, 2, 1])
        #expect(index.count == 3)
        #expect(index.string(at: 2) == "c")
        #expect(index.withUnits(at: 1) { String(decoding: $0, as: UTF16.self) } == "a")
        #expect(Array("b".utf16).withUnsafeBufferPointer { index.index(of: $0) } == 0)
        #expect(Array("z".utf16).withUnsafeBufferPointer { index.index(of: $0) } == nil)
    }
}
