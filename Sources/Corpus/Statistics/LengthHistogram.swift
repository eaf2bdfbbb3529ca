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
    /// non-space byte whose predecessor is a space. The marks are summed per byte lane and
    /// added up once per record: Swift is compiled for baseline x86-64, which has no popcount
    /// instruction, and a software popcount per word cost more than the rest of the loop.
    static func measure(_ bytes: UnsafeBufferPointer<UInt8>) -> (scalars: Int, words: Int) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return (0, 0) }
        let count = bytes.count
        let high: UInt64 = 0x8080_8080_8080_8080
        let spaceLimit: UInt64 = 0x2121_2121_2121_2121
        var continuation = 0
        var wordStarts = 0
        // Per-lane counts (0 or 1 added per word), emptied before a lane can overflow.
        var continuationLanes: UInt64 = 0
        var startLanes: UInt64 = 0
        var lanesUsed = 0
        // Bit 7 set when the byte before the current position was not a space.
        var previousNonSpace: UInt64 = 0

        @inline(__always) func add(_ word: UInt64) {
            continuationLanes &+= (word & ~(word << 1) & high) >> 7
            // Per byte: bit 7 set when (byte & 0x7F) ≥ 0x21 or the byte is non-ASCII.
            let nonSpace = (((word | high) &- spaceLimit) | word) & high
            startLanes &+= (nonSpace & ~((nonSpace << 8) | previousNonSpace)) >> 7
            previousNonSpace = nonSpace >> 56
        }

        var index = 0
        while index + 8 <= count {
            add(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            index += 8
            lanesUsed += 1
            if lanesUsed == 255 {
                continuation += laneSum(continuationLanes)
                wordStarts += laneSum(startLanes)
                continuationLanes = 0
                startLanes = 0
                lanesUsed = 0
            }
        }
        let rest = count - index
        if rest > 0 {
            // The last bytes in the low lanes of one word, zeros above them: a zero byte is
            // neither a continuation byte nor the start of a word.
            var word: UInt64
            if count >= 8 {
                word = UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self) >> UInt64(8 * (8 - rest))
            } else {
                word = 0
                for offset in 0..<rest { word |= UInt64(base[index + offset]) << UInt64(8 * offset) }
            }
            add(word)
        }
        continuation += laneSum(continuationLanes)
        wordStarts += laneSum(startLanes)
        return (count - continuation, wordStarts)
    }

    /// The sum of the eight byte lanes of `lanes` (each at most 255).
    @inline(__always)
    private static func laneSum(_ lanes: UInt64) -> Int {
        let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
        return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }
}
