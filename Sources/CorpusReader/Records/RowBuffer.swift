/// The bytes of the row a parser is assembling: appended to field by field and emptied per row.
///
/// A plain growable allocation rather than `[UInt8]`: for the short fields of typical CSV rows
/// the array's uniqueness checks and generic append and removeAll paths cost more than the
/// copying itself. A reference type so that the allocation is freed; parsers own theirs alone.
final class RowBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func append(_ start: UnsafePointer<UInt8>, _ length: Int) {
        if count + length > capacity { grow(to: count + length) }
        (base + count).update(from: start, count: length)
        count += length
    }

    /// Empties the buffer; one grown past `keep` bytes (an unusually long row) is shrunk back.
    func removeAll(keep: Int = 1 << 16) {
        count = 0
        if capacity > keep {
            base.deallocate()
            capacity = 4096
            base = .allocate(capacity: capacity)
        }
    }

    /// The bytes in `range`.
    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
