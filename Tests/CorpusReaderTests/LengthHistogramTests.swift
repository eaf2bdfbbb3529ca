import Testing

@testable import CorpusReader

@Suite struct LengthHistogramTests {
    @Test func percentilesAreExact() {
        var histogram = LengthHistogram()
        for length in 1...100 { histogram.add(length) }
        histogram.add(10_000)
        #expect(histogram.count == 101)
        #expect(histogram.percentile(0.5) == 51)
        #expect(histogram.percentile(0.9) == 91)
        #expect(histogram.percentile(1.0) == 10_000)
        #expect(histogram.maximum == 10_000)
    }

    @Test func measuresScalarsAndWordsLikeASimpleLoop() {
        let samples = [
            "", " ", "one", "  two  words ", "tab\tand\nnewline", "é ü € 😀 ʤ 日本語 more words here",
            String(repeating: "ab cd ", count: 50), "x"
        ]
        for text in samples {
            let bytes = Array(text.utf8)
            let words = text.split(whereSeparator: { $0.isWhitespace }).count
            for isa in ByteScanning.InstructionSet.allCases where isa.isSupported {
                let measured = bytes.withUnsafeBufferPointer { RecordLengthStatistics.measure($0, on: isa) }
                #expect(measured.scalars == text.unicodeScalars.count, "\(text) \(isa)")
                #expect(measured.words == words, "\(text) \(isa)")
            }
        }
    }
}
