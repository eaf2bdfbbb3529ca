/// Character and whitespace-word lengths of records, computed on their UTF-8 bytes.
public struct RecordLengthStatistics: Sendable {
    /// Unicode scalars per record.
    public private(set) var characters = LengthHistogram()
    /// Runs of bytes above U+0020 per record (space, tab, line breaks and controls separate words).
    public private(set) var words = LengthHistogram()

    public init() {}

    public mutating func add(_ chunk: RecordChunk) {
        let isa = ByteScanning.instructionSet
        // Measured into two scratch arrays first (one scanner call for the whole chunk), then
        // counted in one pass per histogram.
        var scalarCounts = [Int](repeating: 0, count: chunk.count)
        var wordCounts = [Int](repeating: 0, count: chunk.count)
        chunk.utf8.withUnsafeBufferPointer { all in
            chunk.ends.withUnsafeBufferPointer { ends in
                scalarCounts.withUnsafeMutableBufferPointer { scalarCounts in
                    wordCounts.withUnsafeMutableBufferPointer { wordCounts in
                        ByteScanning.measureRecords(isa, all, ends: ends, scalars: scalarCounts, words: wordCounts)
                    }
                }
            }
        }
        scalarCounts.withUnsafeBufferPointer { characters.add(contentsOf: $0) }
        wordCounts.withUnsafeBufferPointer { words.add(contentsOf: $0) }
    }

    /// Unicode scalars (bytes that are not continuation bytes) and whitespace-separated words,
    /// where bytes up to U+0020 (space, tab, line breaks, other controls) separate words.
    ///
    /// It runs on every byte of the corpus, so it is C (``ByteScanning``): one mask marks
    /// continuation bytes, another non-space bytes, a word starts at a non-space byte whose
    /// predecessor is a space, and the masks are counted with popcount, 32 or 64 bytes a step.
    static func measure(
        _ bytes: UnsafeBufferPointer<UInt8>, on isa: ByteScanning.InstructionSet = ByteScanning.instructionSet
    ) -> (scalars: Int, words: Int) {
        ByteScanning.measure(isa, bytes)
    }
}
