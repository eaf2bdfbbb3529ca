/// A manually allocated byte buffer, freed when the last chunk using it goes away.
/// Buffers circulate through a ``ByteStoragePool`` so that steady-state reading allocates
/// (and page-faults) nothing.
package final class ByteStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}
