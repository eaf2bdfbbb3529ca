import Foundation
import Support

/// Writes id sequences as shards of NumPy files — `shard-00000.ids.npy` (all ids flat, uint16 or
/// int32 as ``idWidth`` says) and `shard-00000.offsets.npy` (int64, `count + 1` offsets starting
/// at 0) — starting a new
/// shard every `sequencesPerShard` sequences. Each file appears under its final name only once
/// complete; the manifest, written last by the caller, is what marks the directory complete.
///
/// Python: `ids = np.load("shard-00000.ids.npy", mmap_mode="r"); o = np.load(…offsets.npy)`;
/// sequence `i` is `ids[o[i]:o[i+1]]` (whatever the width: the header says it).
public final class TokenShardWriter {
    public struct Shard: Sendable, Codable, Hashable {
        public var ids: String
        public var offsets: String
        public var sequences: Int
        public var tokens: Int
        /// The part of a sharded run the shard belongs to (see ``ShardPlan``); nil otherwise.
        public var part: Int?
    }

    public let directory: URL
    public let sequencesPerShard: Int
    /// How each id is stored; ids that do not fit are refused.
    public let idWidth: TokenIDWidth
    /// What finishing a shard does with its two files (see ``AtomicFileWriter/Durability``).
    public let durability: Durability
    public private(set) var shards: [Shard] = []
    /// The part the next shards belong to; set between parts after ``endShard()``.
    public var part: Int?
    private var ids: IDsFile?
    private var narrowScratch: [UInt16] = []
    private var offsets: NpyWriter<Int64>?
    private var sequencesInShard = 0
    private var tokensInShard: Int64 = 0
    private var offsetScratch: [Int64] = []

    /// How far a finished shard's files go towards the disk.
    public struct Durability: Sendable {
        public var ids: AtomicFileWriter.Durability
        public var offsets: AtomicFileWriter.Durability

        /// Both files forced to disk: shards of a finished run.
        public static let forced = Durability(ids: .forced, offsets: .forced)
        /// Provisional shards whose ids are rewritten in place before the run ends while their
        /// offsets are final: the offsets start going to disk during the pass, and whoever
        /// rewrites the ids forces both files.
        public static let idsRewrittenInPlace = Durability(ids: .temporary, offsets: .writebackStarted)
        /// Provisional shards copied into new ones and removed: neither file goes to disk.
        public static let temporary = Durability(ids: .temporary, offsets: .temporary)
    }

    public init(
        directory: URL, sequencesPerShard: Int, idWidth: TokenIDWidth = .int32, durability: Durability = .forced
    ) {
        self.directory = directory
        self.sequencesPerShard = sequencesPerShard
        self.idWidth = idWidth
        self.durability = durability
    }

    /// Appends every sequence of a chunk.
    public func append(_ chunk: SequenceChunk) throws(NpyError) {
        try append(ids: chunk.ids, ends: chunk.ends)
    }

    /// Appends sequences stored flat: sequence `i` is `ids[ends[i-1]..<ends[i]]`.
    public func append(ids flat: [Int32], ends: [Int]) throws(NpyError) {
        // Whole runs of sequences at a time (up to the end of the current shard): one append of
        // their ids and one of their offsets, instead of two calls per sequence.
        var first = 0
        var start = 0
        try flat.withUnsafeBufferPointer { (all) throws(NpyError) in
            while first < ends.count {
                if ids == nil { try openShard() }
                let last = min(ends.count, first + (sequencesPerShard - sequencesInShard))
                let end = ends[last - 1]
                try appendIDs(UnsafeBufferPointer(rebasing: all[start..<end]))
                offsetScratch.removeAll(keepingCapacity: true)
                let base = tokensInShard - Int64(start)
                for index in first..<last { offsetScratch.append(base + Int64(ends[index])) }
                try offsets!.append(contentsOf: offsetScratch)
                tokensInShard += Int64(end - start)
                sequencesInShard += last - first
                first = last
                start = end
                if sequencesInShard >= sequencesPerShard { try closeShard() }
            }
        }
    }

    /// Completes the last shard.
    public func finish() throws(NpyError) {
        try closeShard()
    }

    /// Completes the current shard (if any) so that the next sequences start a new one: a
    /// sharded run's shards never span two parts.
    public func endShard() throws(NpyError) {
        try closeShard()
    }

    private func appendIDs(_ values: UnsafeBufferPointer<Int32>) throws(NpyError) {
        switch ids! {
        case .int32(let file): try file.append(contentsOf: values)
        case .uint16(let file):
            narrowScratch.removeAll(keepingCapacity: true)
            narrowScratch.reserveCapacity(values.count)
            var outside: Int32 = 0
            for value in values {
                // Out-of-range values are collected branch-free and reported once.
                outside |= value & ~0xFFFF
                narrowScratch.append(UInt16(truncatingIfNeeded: value))
            }
            guard outside == 0 else {
                let value = values.first { $0 & ~0xFFFF != 0 }!
                throw .writeFailed(
                    path: file.path, reason: "id \(value) does not fit in 16 bits (<u2 shards hold ids 0…65,535)")
            }
            try file.append(contentsOf: narrowScratch)
        }
    }

    private func openShard() throws(NpyError) {
        let name = String(format: "shard-%05d", shards.count)
        let idsPath = directory.appendingPathComponent("\(name).ids.npy").path
        switch idWidth {
        case .uint16: ids = .uint16(try NpyWriter<UInt16>(path: idsPath, durability: durability.ids))
        case .int32: ids = .int32(try NpyWriter<Int32>(path: idsPath, durability: durability.ids))
        }
        offsets = try NpyWriter<Int64>(
            path: directory.appendingPathComponent("\(name).offsets.npy").path, durability: durability.offsets)
        try offsets!.append(0)
        sequencesInShard = 0
        tokensInShard = 0
    }

    private func closeShard() throws(NpyError) {
        guard let ids, let offsets else { return }
        try ids.finish()
        try offsets.finish()
        shards.append(
            Shard(
                ids: URL(fileURLWithPath: ids.path).lastPathComponent,
                offsets: URL(fileURLWithPath: offsets.path).lastPathComponent,
                sequences: sequencesInShard, tokens: Int(tokensInShard), part: part))
        self.ids = nil
        self.offsets = nil
    }
}

extension TokenShardWriter {
    /// The ids file of the open shard, in the writer's width.
    private enum IDsFile {
        case uint16(NpyWriter<UInt16>)
        case int32(NpyWriter<Int32>)

        var path: String {
            switch self {
            case .uint16(let file): file.path
            case .int32(let file): file.path
            }
        }

        func finish() throws(NpyError) {
            switch self {
            case .uint16(let file): try file.finish()
            case .int32(let file): try file.finish()
            }
        }
    }
}
