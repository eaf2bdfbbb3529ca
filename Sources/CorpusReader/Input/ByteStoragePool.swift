import Foundation

/// Byte buffers handed back by the parser once a chunk is parsed, for the producer to refill.
package final class ByteStoragePool: @unchecked Sendable {
    // @unchecked: `free` is guarded by `lock`.
    private let lock = NSLock()
    private var free: [ByteStorage] = []
    private let capacity: Int
    private let limit: Int

    package init(bufferCapacity: Int, keep limit: Int) {
        capacity = bufferCapacity
        self.limit = limit
    }

    func take() -> ByteStorage {
        lock.lock()
        let storage = free.popLast()
        lock.unlock()
        return storage ?? ByteStorage(capacity: capacity)
    }

    package func recycle(_ storage: ByteStorage) {
        lock.lock()
        if free.count < limit { free.append(storage) }
        lock.unlock()
    }
}
