import Foundation
import Support
import Synchronization

/// A process-wide cache of large Float buffers, keyed by size class.
///
/// Training allocates the same large shapes every batch (logits of 1,500 × 12,001 floats, gate
/// caches). Fresh large allocations are mmapped by the C allocator and page-faulted on first touch
/// — about 40 ms for 72 MB — on every batch; recycling buffers of the same size avoids that.
/// Buffers of at least `minimumCount` floats are pooled, up to `capacityBytes` in total; the rest
/// are freed. Contents of a reused buffer are unspecified (zeroed tensors are cleared). Thread-safe.
public enum BufferPool {
    /// Buffers smaller than this many floats (1 MiB) are not pooled.
    public static let minimumCount = 1 << 18
    /// The most memory kept in the pool. When a returned buffer would exceed it, buffers of other
    /// size classes are freed first (the shapes in use change, e.g. from training to validation),
    /// so the pool holds the current working set rather than every shape ever seen.
    public static let capacityBytes = 256 << 20

    /// The allocation size for `count` floats: counts of at least `minimumCount` are rounded up
    /// to the next multiple of 1/8 of their power of two (at most 12.5 % more), so that buffers
    /// whose size varies a little between batches (e.g. logits of the real tokens only) are
    /// reused instead of page-faulted afresh.
    public static func sizeClass(_ count: Int) -> Int {
        guard count >= minimumCount else { return count }
        let step = 1 << (Int.bitWidth - count.leadingZeroBitCount - 1 - 3)
        return (count + step - 1) / step * step
    }

    private struct State {
        var free: [Int: [UInt]] = [:]
        var bytes = 0
    }
    private static let state = Mutex(State())

    /// A pooled buffer of `count` floats or a little more (up to 1.5×, the smallest such), so that
    /// a batch slightly shorter than the last one reuses its buffer instead of keeping another.
    static func take(count: Int) -> (UnsafeMutablePointer<Float>, capacity: Int)? {
        guard count >= minimumCount else { return nil }
        let found: (UInt, Int)? = state.withLock { s in
            guard let size = reusableSize(for: count, among: s.free.filter { !$0.value.isEmpty }.keys) else {
                return nil
            }
            guard let a = s.free[size]?.popLast() else { return nil }
            if s.free[size]?.isEmpty == true { s.free[size] = nil }
            s.bytes -= size * 4
            return (a, size)
        }
        return found.flatMap { address, size in UnsafeMutablePointer<Float>(bitPattern: address).map { ($0, size) } }
    }

    /// The pooled size to hand out for `count` floats: `count` itself if present, else the
    /// smallest pooled size above it up to 1.5 × `count`.
    static func reusableSize<Sizes: Sequence<Int>>(for count: Int, among sizes: Sizes) -> Int? {
        var best: Int?
        for size in sizes where size >= count && size <= count + count / 2 {
            if size < best ?? .max { best = size }
        }
        return best
    }

    static func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        guard count >= minimumCount else { return false }
        let address = UInt(bitPattern: pointer)
        guard count * 4 <= capacityBytes else { return false }
        var evicted: [UInt] = []
        let kept = state.withLock { s in
            // Free buffers of the size class holding the most memory (never this one) until it fits.
            while s.bytes + count * 4 > capacityBytes {
                guard
                    let (victim, _) = s.free.filter({ $0.key != count && !$0.value.isEmpty })
                        .max(by: { $0.key * $0.value.count < $1.key * $1.value.count }),
                    let a = s.free[victim]?.popLast()
                else { return false }
                if s.free[victim]?.isEmpty == true { s.free[victim] = nil }
                s.bytes -= victim * 4
                evicted.append(a)
            }
            s.free[count, default: []].append(address)
            s.bytes += count * 4
            return true
        }
        for a in evicted { UnsafeMutableRawPointer(bitPattern: a)!.deallocate() }
        return kept
    }

    /// The bytes currently held by the pool.
    public static var pooledBytes: Int { state.withLock { $0.bytes } }

    /// Frees every pooled buffer (e.g. after training, before a memory-hungry phase).
    public static func trim() {
        let addresses: [UInt] = state.withLock { s in
            let all = s.free.values.flatMap { $0 }
            s.free = [:]
            s.bytes = 0
            return all
        }
        for a in addresses { UnsafeMutableRawPointer(bitPattern: a)!.deallocate() }
    }
}
