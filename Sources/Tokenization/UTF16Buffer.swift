/// A growable, reusable block of UTF-16 code units owned by one tokenizer.
typealias UTF16Buffer = ReusableBuffer<UInt16>

/// A growable, reusable block of trivial values (UTF-16 units, token ids) owned by one tokenizer.
///
/// Records are converted and transformed into these buffers so that the hot path allocates only
/// when a record is longer than any seen before. Not thread-safe: one per tokenizer instance.
final class ReusableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for at least `count` units. Contents are NOT preserved when the buffer grows
    /// (every caller rewrites the buffer from the start).
    @inline(__always)
    func reserve(_ count: Int) {
        if count > capacity { grow(to: count) }
    }

    private func grow(to count: Int) {
        base.deallocate()
        // Grow geometrically so a slowly increasing record length does not reallocate each time.
        capacity = max(count, capacity * 2)
        base = .allocate(capacity: capacity)
    }

    /// The first `count` units as a buffer pointer (valid until the next `reserve`).
    @inline(__always)
    func prefix(_ count: Int) -> UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base, count: count)
    }
}
