import Support
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

    /// A record's tokens looked up at once give the answers of one lookup per token: present and
    /// absent, short (the front table, once the index is large enough to have one) and long
    /// (compared in the arena), more tokens than one group, and none.
    @Test(arguments: [100, 40_000])
    func lookingUpARecordAtOnceMatchesOneByOne(entries: Int) throws {
        var generator = SplitMix64(seed: UInt64(entries))
        func word() -> String {
            let length = Int(generator.next() % 14) + 1
            return String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(97 + generator.next() % 6))) })
        }
        var index = TokenIndex(minimumCapacity: 16)
        for _ in 0..<entries { _ = Array(word().utf16).withUnsafeBufferPointer { index.insert($0) } }
        let tokenizer = try TokenizerConfiguration(level: .whitespace).makeTokenizer()
        let entryScratch = UnsafeMutablePointer<Int>.allocate(capacity: 200)
        defer { entryScratch.deallocate() }
        var all: [Int] = []
        for length in [0, 1, 15, 16, 17, 50, 200] {
            let record = (0..<length).map { _ in word() }.joined(separator: " ")
            var expected: [Int] = []
            var actual: [Int] = []
            try Array(record.utf8).withUnsafeBufferPointer { utf8 in
                try tokenizer.forEachToken(utf8: utf8) { expected.append(index.index(of: $0) ?? -1) }
                try tokenizer.withTokenSpans(utf8: utf8) { tokens in
                    index.lookUp(tokens, into: entryScratch)
                    actual = Array(UnsafeBufferPointer(start: entryScratch, count: tokens.count))
                }
            }
            #expect(actual == expected, "\(length) tokens")
            all += expected
        }
        #expect(all.contains(-1) && all.contains { $0 >= 0 })
    }
}
