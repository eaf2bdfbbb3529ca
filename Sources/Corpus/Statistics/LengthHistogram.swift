/// Exact percentiles of integer lengths in memory bounded by the number of *distinct* lengths
/// (at most `maxRecordBytes`), not by the number of records.
public struct LengthHistogram: Sendable {
    /// Counts of small lengths, indexed directly (the common case, no hashing).
    private var small = [Int](repeating: 0, count: 4096)
    private var large: [Int: Int] = [:]
    public private(set) var count = 0
    public private(set) var total = 0
    public private(set) var maximum = 0

    public init() {}

    public mutating func add(_ length: Int) {
        if length < 4096 {
            small[length] += 1
        } else {
            large[length, default: 0] += 1
        }
        count += 1
        total += length
        if length > maximum { maximum = length }
    }

    public var mean: Double { count == 0 ? 0 : Double(total) / Double(count) }

    /// The smallest length such that at least `fraction` of the values are ≤ it.
    public func percentile(_ fraction: Double) -> Int {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (length, n) in small.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return length }
        }
        for length in large.keys.sorted() {
            seen += large[length]!
            if seen >= rank { return length }
        }
        return maximum
    }
}

/// Character and whitespace-word lengths of records, computed on their UTF-8 bytes.
public struct RecordLengthStatistics: Sendable {
    /// Unicode scalars per record.
    public private(set) var characters = LengthHistogram()
    /// Runs of bytes above U+0020 per record (space, tab, line breaks and controls separate words).
    public private(set) var words = LengthHistogram()

    public init() {}

    public mutating func add(_ chunk: RecordChunk) {
        let isa = ByteScanning.instructionSet
        chunk.utf8.withUnsafeBufferPointer { all in
            var start = 0
            for end in chunk.ends {
                let (scalars, words) = Self.measure(UnsafeBufferPointer(rebasing: all[start..<end]), on: isa)
                characters.add(scalars)
                self.words.add(words)
                start = end
            }
        }
    }

    /// Unicode scalars (bytes that are not continuation bytes) and whitespace-separated words,
    /// where bytes up to U+0020 (space, tab, line breaks, other controls) separate words.
    ///
    /// It runs on every byte of the corpus, so it is C (``ByteScanning``): one mask marks
    /// continuation bytes, another non-space bytes, a word starts at a non-space byte whose
    /// predecessor is a space, and the masks are counted with popcount, 32 or 64 bytes a step.
    static func measure(_ bytes: UnsafeBufferPointer<UInt8>, on isa: ByteScanning.InstructionSet = ByteScanning.instructionSet) -> (scalars: Int, words: Int) {
        ByteScanning.measure(isa, bytes)
    }
}
