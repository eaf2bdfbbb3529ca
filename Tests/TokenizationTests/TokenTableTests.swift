import Support
import Testing

@testable import Tokenization

@Suite struct TokenTableTests {
    @Test func insertsAndFindsManyTokensAcrossGrowth() {
        var table = TokenTable(minimumCapacity: 2)
        for number in 0..<5_000 {
            let (index, inserted) = table.insert("token\(number)")
            #expect(inserted && index == number)
        }
        #expect(table.count == 5_000)
        #expect(table.insert("token42") == (42, false))
        #expect(table.index(of: "token4999") == 4_999)
        #expect(table.index(of: "token5000") == nil)
        #expect(table.string(at: 7) == "token7")
    }

    /// Past 16,384 slots the first short entries are also in a small front table, looked in
    /// first: short tokens added later (not in it), near misses and longer tokens must still be
    /// found, or not, exactly as before.
    @Test func findsEveryTokenOnceTheFrontTableIsBuilt() {
        var table = TokenTable(minimumCapacity: 2)
        // Short tokens first (more than the front holds), then long ones, then short ones again.
        var tokens: [String] = []
        for number in 0..<4_000 { tokens.append(String(number, radix: 36)) }
        for number in 0..<10_000 { tokens.append("word\(number)x") }
        for number in 0..<2_000 { tokens.append("é" + String(number, radix: 36)) }
        for (number, token) in tokens.enumerated() {
            let (index, inserted) = table.insert(token)
            #expect(inserted && index == number, "\(token)")
        }
        for (number, token) in tokens.enumerated() {
            #expect(table.index(of: token) == number, "\(token)")
            #expect(table.insert(token) == (number, false), "\(token)")
        }
        for absent in ["zzzzz", "é", "word", "word10000x", "Z", "", "éééé"] {
            #expect(table.index(of: absent) == nil, "\(absent)")
        }
    }

    @Test func distinguishesPrefixesAndNonASCII() {
        var table = TokenTable()
        for token in ["a", "ab", "abc", "abcd", "abcde", "é", "e\u{301}", "👩‍👩‍👧", "<unk>"] {
            _ = table.insert(token)
        }
        #expect(table.count == 9)
        #expect(table.index(of: "abcd") == 3)
        #expect(table.index(of: "e\u{301}") == 6)
        #expect(table.index(of: "👩‍👩‍👧") == 7)
        #expect(table.index(of: "abcdef") == nil)
    }

    /// Also without hash tags in the slots (`usesHashTags: false`), so that a key comparison that
    /// missed a unit could not hide behind a differing tag.
    @Test(arguments: [true, false]) func behavesLikeASetForEveryLengthAndNearMiss(usesHashTags: Bool) {
        // Small alphabet (with NUL) and lengths 0...13 exercise every key path: 1–3 units,
        // overlapping first/last four, and longer tokens that differ only in the middle.
        let (filled, order) = Self.insertRandomTokens(
            2_000, lengths: 0...13, alphabet: [0x61, 0x62, 0x00], seed: 42, usesHashTags: usesHashTags)
        var table = filled
        let reference = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        #expect(table.count == reference.count)
        for (token, index) in reference {
            #expect(token.withUnsafeBufferPointer { table.index(of: $0) } == index)
            #expect(Array(table.units(at: index)) == token)
        }
        let long = [UInt16](repeating: 0x61, count: 70_000)
        var longer = long
        longer.append(0x61)
        let longIndex = long.withUnsafeBufferPointer { table.insert($0).index }
        #expect(longer.withUnsafeBufferPointer { table.index(of: $0) } == nil)
        #expect(long.withUnsafeBufferPointer { table.index(of: $0) } == longIndex)
    }

    /// With the front table built (past 12,288 entries), tokens of every length from 0 to 20 over
    /// a three-letter alphabet — many sharing their first and last four units — and every one-unit
    /// change of them are found, or not, exactly as a dictionary says: whether a token is in the
    /// front table, only in `slots`, or longer than eight units (compared in the arena).
    /// With and without hash tags, as above.
    @Test(arguments: [true, false]) func behavesLikeASetWithTheFrontTableBuilt(usesHashTags: Bool) {
        let (table, order) = Self.insertRandomTokens(
            20_000, lengths: 0...20, alphabet: [0x61, 0x62, 0xE9], seed: 7, usesHashTags: usesHashTags)
        let reference = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        #expect(reference.count > 12_288, "the front table is built past 12,288 entries")
        for (index, token) in order.enumerated() {
            #expect(token.withUnsafeBufferPointer { table.index(of: $0) } == index)
            for position in token.indices {
                var changed = token
                changed[position] = changed[position] == 0x61 ? 0x62 : 0x61
                #expect(changed.withUnsafeBufferPointer { table.index(of: $0) } == reference[changed])
            }
            let extended = token + [0x61]
            #expect(extended.withUnsafeBufferPointer { table.index(of: $0) } == reference[extended])
        }
    }

    @Test func codePointOrderPutsSupplementaryCharactersLast() {
        func less(_ a: String, _ b: String) -> Bool {
            Array(a.utf16).withUnsafeBufferPointer { x in
                Array(b.utf16).withUnsafeBufferPointer { y in CodePointOrder.isLess(x, y) }
            }
        }
        #expect(less("a", "b"))
        #expect(less("ab", "abc"))
        #expect(!less("abc", "ab"))
        // U+FF21 (BMP) sorts before U+1F600 by code point, though its UTF-16 unit is larger.
        #expect(less("\u{FF21}", "😀"))
        #expect(!less("😀", "\u{FF21}"))
        #expect(Array("\u{FF21}".utf8).lexicographicallyPrecedes(Array("😀".utf8)))
    }

    /// A table filled with `count` random tokens (repeats included), each insertion checked
    /// against a dictionary; the distinct tokens in order of their indices. Deterministic, so a
    /// failure reproduces.
    static func insertRandomTokens(
        _ count: Int, lengths: ClosedRange<Int>, alphabet: [UInt16], seed: UInt64, usesHashTags: Bool
    ) -> (TokenTable, [[UInt16]]) {
        var generator = SplitMix64(seed: seed)
        var table = TokenTable(minimumCapacity: 4, usesHashTags: usesHashTags)
        var reference: [[UInt16]: Int] = [:]
        var order: [[UInt16]] = []
        for _ in 0..<count {
            let length = Int.random(in: lengths, using: &generator)
            let token = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let (index, inserted) = token.withUnsafeBufferPointer { table.insert($0) }
            if let known = reference[token] {
                #expect(!inserted && index == known)
            } else {
                #expect(inserted && index == reference.count)
                reference[token] = index
                order.append(token)
            }
        }
        return (table, order)
    }

}
