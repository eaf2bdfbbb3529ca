import Tokenization

/// Rewrites shards of provisional token numbers as vocabulary ids — mapping every number
/// through one array and adding `<bos>`/`<eos>` — after a single tokenizing pass. Pure integer
/// work over memory-mapped input, far faster than tokenizing again.
public struct ShardRemapper {
    public let map: [Int32]
    public let addBeginAndEnd: Bool

    public init(map: [Int32], addBeginAndEnd: Bool) {
        self.map = map
        self.addBeginAndEnd = addBeginAndEnd
    }

    /// Reads `shards` (from `directory`) and appends the remapped sequences to `writer`;
    /// returns the ids written and how many were `<unk>`.
    public func remap(_ shards: [TokenShardWriter.Shard], in directory: String, into writer: TokenShardWriter) throws -> (tokens: Int, unknown: Int) {
        var tokens = 0
        var unknown = 0
        let block = 1 << 16
        for shard in shards {
            let ids = try NpyArray<Int32>(path: directory + "/" + shard.ids)
            let offsets = try NpyArray<Int64>(path: directory + "/" + shard.offsets)
            guard offsets.count == shard.sequences + 1, Int(offsets[offsets.count - 1]) == ids.count else {
                throw NpyError.notNpy(path: directory + "/" + shard.offsets, reason: "its offsets do not match \(shard.ids)")
            }
            var outIDs: [Int32] = []
            var outEnds: [Int] = []
            try ids.withUnsafeBufferPointer { source in
                try offsets.withUnsafeBufferPointer { bounds in
                    try map.withUnsafeBufferPointer { map in
                        var sequence = 0
                        while sequence < shard.sequences {
                            outIDs.removeAll(keepingCapacity: true)
                            outEnds.removeAll(keepingCapacity: true)
                            let last = min(shard.sequences, sequence + block)
                            for index in sequence..<last {
                                if addBeginAndEnd { outIDs.append(Vocabulary.beginID) }
                                for position in Int(bounds[index])..<Int(bounds[index + 1]) {
                                    let id = map[Int(source[position])]
                                    if id == Vocabulary.unknownID { unknown += 1 }
                                    outIDs.append(id)
                                }
                                if addBeginAndEnd { outIDs.append(Vocabulary.endID) }
                                outEnds.append(outIDs.count)
                            }
                            tokens += outIDs.count
                            try writer.append(ids: outIDs, ends: outEnds)
                            ids.releasePages(before: Int(bounds[last]))
                            offsets.releasePages(before: last)
                            sequence = last
                        }
                    }
                }
            }
        }
        return (tokens, unknown)
    }
}
