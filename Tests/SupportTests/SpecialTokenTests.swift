import Support
import Testing

@Suite struct SpecialTokenTests {
    @Test func idsAndTextsAreFixed() {
        #expect(SpecialToken.texts == ["<pad>", "<unk>", "<bos>", "<eos>"])
        #expect(SpecialToken.allCases.map(\.id) == [0, 1, 2, 3])
        #expect(SpecialToken.allCases.map(\.index) == [0, 1, 2, 3])
    }
}
