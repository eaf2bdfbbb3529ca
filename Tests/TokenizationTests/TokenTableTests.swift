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

    @Test func distinguishesPrefixesAndNonASCII() {
        var table = TokenTable()
        for token in ["a", "ab", "abc", "abcd", "abcde", "é", "e\u{301}", "👩‍👩‍👧", "<unk>"] { _ = table.insert(token) }
        #expect(table.count == 9)
        #expect(table.index(of: "abcd") == 3)
        #expect(table.index(of: "e\u{301}") == 6)
        #expect(table.index(of: "👩‍👩‍👧") == 7)
        #expect(table.index(of: "abcdef") == nil)
    }

    @Test func codePointOrderPutsSupplementaryCharactersLast() {
        func less(_ a: String, _ b: String) -> Bool {
            Array(a.utf16).withUnsafeBufferPointer { x in Array(b.utf16).withUnsafeBufferPointer { y in CodePointOrder.isLess(x, y) } }
        }
        #expect(less("a", "b"))
        #expect(less("ab", "abc"))
        #expect(!less("abc", "ab"))
        // U+FF21 (BMP) sorts before U+1F600 by code point, though its UTF-16 unit is larger.
        #expect(less("\u{FF21}", "😀"))
        #expect(!less("😀", "\u{FF21}"))
        #expect(Array("\u{FF21}".utf8).lexicographicallyPrecedes(Array("😀".utf8)))
    }
}
