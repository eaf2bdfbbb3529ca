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
        chunk.utf8.withUnsafeBufferPointer { all in
            var start = 0
            for end in chunk.ends {
                let (scalars, words) = Self.measure(UnsafeBufferPointer(rebasing: all[start..<end]))
                characters.add(scalars)
                self.words.add(words)
                start = end
            }
        }
    }

    /// Unicode scalars (bytes that are not continuation bytes) and whitespace-separated words,
    /// where bytes up to U+0020 (space, tab, line breaks, other controls) separate words.
    ///
    /// It runs on every byte of the corpus, so it works on eight bytes at a time (SWAR): one
    /// mask marks continuation bytes, another marks non-space bytes, and a word starts at a
    /// non-space byte whose predecessor is a space; population counts do the rest.
    static func measure(_ bytes: UnsafeBufferPointer<UInt8>) -> (scalars: Int, words: Int) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return (0, 0) }
        let count = bytes.count
        let high: UInt64 = 0x8080_8080_8080_8080
        let spaceLimit: UInt64 = 0x2121_2121_2121_2121
        var continuation = 0
        var wordStarts = 0
        // Bit 7 set when the byte before the current position was not a space.
        var previousNonSpace: UInt64 = 0
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            continuation += (word & ~(word << 1) & high).nonzeroBitCount
            // Per byte: bit 7 set when (byte & 0x7F) ≥ 0x21 or the byte is non-ASCII.
            let nonSpace = (((word | high) &- spaceLimit) | word) & high
            let starts = nonSpace & ~((nonSpace << 8) | previousNonSpace)
            wordStarts += starts.nonzeroBitCount
            previousNonSpace = nonSpace >> 56
            index += 8
        }
        var previousWasSpace = previousNonSpace == 0
        while index < count {
            let byte = base[index]
            if byte & 0xC0 == 0x80 { continuation += 1 }
            let isSpace = byte <= 0x20
            if !isSpace && previousWasSpace { wordStarts += 1 }
            previousWasSpace = isSpace
            index += 1
        }
        return (count - continuation, wordStarts)
    }
}
