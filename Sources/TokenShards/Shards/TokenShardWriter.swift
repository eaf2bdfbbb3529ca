import Foundation
import Support

/// Writes id sequences as shards of NumPy files — `shard-00000.ids.npy` (int32, all ids flat)
/// and `shard-00000.offsets.npy` (int64, `count + 1` offsets starting at 0) — starting a new
/// shard every `sequencesPerShard` sequences. Each file appears under its final name only once
/// complete; the manifest, written last by the caller, is what marks the directory complete.
///
/// Python: `ids = np.load("shard-00000.ids.npy", mmap_mode="r"); o = np.load(…offsets.npy)`;
/// sequence `i` is `ids[o[i]:o[i+1]]`.
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
    /// What finishing a shard does with its two files (see ``AtomicFileWriter/Durability``).
    public let durability: Durability
    public private(set) var shards: [Shard] = []
    /// The part the next shards belong to; set between parts after ``endShard()``.
    public var part: Int?
    private var ids: NpyWriter<Int32>?
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

    public init(directory: URL, sequencesPerShard: Int, durability: Durability = .forced) {
        self.directory = directory
        self.sequencesPerShard = sequencesPerShard
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
                try ids!.append(contentsOf: UnsafeBufferPointer(rebasing: all[start..<end]))
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

    private func openShard() throws(NpyError) {
        let name = String(format: "shard-%05d", shards.count)
        ids = try NpyWriter<Int32>(
            path: directory.appendingPathComponent("\(name).ids.npy").path, durability: durability.ids)
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
