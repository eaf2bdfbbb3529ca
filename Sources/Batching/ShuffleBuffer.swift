import Support

/// Stage: a seeded shuffle buffer of `capacity` sequences (tf.data's `shuffle`): the first
/// `capacity` sequences fill it; then each new one takes the place of a uniformly chosen
/// occupant, which is emitted; at the end the rest leave in random order. With a buffer at
/// least as large as the split this is a uniform permutation; smaller buffers shuffle locally.
///
/// The sequences live in one arena array (slot `i` is `arena[starts[i]..<starts[i] + lengths[i]]`);
/// a replaced sequence leaves a hole that is reclaimed by compacting once holes outweigh live
/// ids, so no sequence costs an allocation of its own.
struct ShuffleBuffer {
    let capacity: Int
    private var generator: Xoshiro256StarStar
    private var arena: [Int32] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var positions: [Int64] = []
    private var liveIDs = 0

    init(capacity: Int, generator: Xoshiro256StarStar) {
        self.capacity = capacity
        self.generator = generator
    }

    var count: Int { starts.count }

    mutating func push(_ input: SequenceBlock, into output: inout SequenceBlock) {
        if capacity == 0 {
            output = input
            return
        }
        output.removeAll()
        input.ids.withUnsafeBufferPointer { ids in
            for index in 0..<input.count {
                let sequence = UnsafeBufferPointer(rebasing: ids[input.range(of: index)])
                if starts.count < capacity {
                    starts.append(arena.count)
                    lengths.append(sequence.count)
                    positions.append(input.positions[index])
                    arena.append(contentsOf: sequence)
                    liveIDs += sequence.count
                    continue
                }
                let slot = generator.nextIndex(below: capacity)
                emit(slot, into: &output)
                liveIDs += sequence.count - lengths[slot]
                starts[slot] = arena.count
                lengths[slot] = sequence.count
                positions[slot] = input.positions[index]
                arena.append(contentsOf: sequence)
            }
        }
        if arena.count > 4096 && arena.count > 2 * liveIDs { compact() }
    }

    /// Empties the buffer in random order.
    mutating func finish(into output: inout SequenceBlock) {
        output.removeAll()
        while !starts.isEmpty {
            let slot = generator.nextIndex(below: starts.count)
            emit(slot, into: &output)
            let last = starts.count - 1
            starts.swapAt(slot, last)
            lengths.swapAt(slot, last)
            positions.swapAt(slot, last)
            starts.removeLast()
            lengths.removeLast()
            positions.removeLast()
        }
        arena.removeAll(keepingCapacity: true)
        liveIDs = 0
    }

    @inline(__always)
    private func emit(_ slot: Int, into output: inout SequenceBlock) {
        arena.withUnsafeBufferPointer { arena in
            output.append(
                UnsafeBufferPointer(rebasing: arena[starts[slot]..<starts[slot] + lengths[slot]]),
                position: positions[slot])
        }
    }

    /// Moves the live sequences to the front of a fresh arena, in slot order.
    private mutating func compact() {
        var fresh: [Int32] = []
        fresh.reserveCapacity(liveIDs * 2)
        arena.withUnsafeBufferPointer { arena in
            for slot in 0..<starts.count {
                let start = starts[slot]
                starts[slot] = fresh.count
                fresh.append(contentsOf: UnsafeBufferPointer(rebasing: arena[start..<start + lengths[slot]]))
            }
        }
        arena = fresh
    }
}
