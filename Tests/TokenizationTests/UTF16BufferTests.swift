import Testing

@testable import Tokenization

@Suite struct UTF16BufferTests {
    @Test func reserveGrowsGeometricallyAndNeverShrinks() {
        let buffer = UTF16Buffer(capacity: 16)
        buffer.reserve(10)
        #expect(buffer.capacity == 16)
        buffer.reserve(17)
        #expect(buffer.capacity == 32)
        buffer.reserve(100)
        #expect(buffer.capacity == 100)
        buffer.base[99] = 7
        #expect(buffer.prefix(100).last == 7)
    }
}
