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

    /// Adds every length of `lengths`: one exclusive access to the counts for the lot, where
    /// ``add(_:)`` pays for one per value.
    mutating func add(contentsOf lengths: UnsafeBufferPointer<Int>) {
        small.withUnsafeMutableBufferPointer { small in
            for length in lengths {
                if length < 4096 {
                    small[length] += 1
                } else {
                    large[length, default: 0] += 1
                }
                total += length
                if length > maximum { maximum = length }
            }
        }
        count += lengths.count
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
