import Foundation
import Support
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
    public func remap(_ shards: [TokenShardWriter.Shard], in directory: String, into writer: TokenShardWriter) throws
        -> (tokens: Int, unknown: Int)
    {
        var tokens = 0
        var unknown = 0
        let markers: SequenceMarkers = addBeginAndEnd ? .beginAndEnd : .none
        let block = 1 << 16
        for shard in shards {
            let ids = try NpyArray<Int32>(path: directory + "/" + shard.ids)
            let offsets = try NpyArray<Int64>(path: directory + "/" + shard.offsets)
            guard offsets.count == shard.sequences + 1, Int(offsets[offsets.count - 1]) == ids.count else {
                throw NpyError.notNpy(
                    path: directory + "/" + shard.offsets, reason: "its offsets do not match \(shard.ids)")
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
                                markers.appendOpening(to: &outIDs)
                                for position in Int(bounds[index])..<Int(bounds[index + 1]) {
                                    let id = map[Int(source[position])]
                                    if id == SpecialToken.unknown.id { unknown += 1 }
                                    outIDs.append(id)
                                }
                                markers.appendClosing(to: &outIDs)
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

    /// Rewrites the ids of `shards` (in `directory`) through the map in their own files, then
    /// moves both files of every shard into `destination` under the same names; returns the ids
    /// and how many became `<unk>`. Only without `<bos>`/`<eos>` (which change the lengths).
    /// With `idWidth` `.uint16` each file is rewritten narrower: ids move towards its start (a
    /// block is read before any write reaches it) and the file is cut to its new length.
    ///
    /// Why in place: the provisional files are still in the page cache, so rewriting them costs
    /// a read and a write of memory, while writing new shards allocates and fills fresh page
    /// cache (measured on a 1 GB corpus: 2.0 s for 118 M ids, against about 0.4 s in place).
    /// Blocks go through a small buffer with `pread`/`pwrite` (a mapping of the whole file
    /// would count its pages in this process's resident memory), on `threads` threads: over
    /// parts of one file at the same width, over as many files at once when narrowing (a later
    /// part's narrowed ids would land on an earlier part's unread ones). Files are forced to
    /// disk before they are moved; a shard's writing starts as soon as it is remapped, while
    /// the next ones are.
    public func remapInPlace(
        _ shards: [TokenShardWriter.Shard], in directory: String, into destination: URL,
        idWidth: TokenIDWidth = .int32, threads: Int
    ) throws -> (tokens: Int, unknown: Int) {
        precondition(!addBeginAndEnd, "remapInPlace cannot add <bos>/<eos>")
        var tokens = 0
        var unknown = 0
        // A shard's fsync waits for the disk: the next shards are remapped meanwhile, their
        // writing already started, so that the disk never waits for the remapping. A bounded
        // number wait at once, each holding its open file.
        var waiting: [RemappedShard] = []
        let waitingLimit = 8
        let groupSize = idWidth == .uint16 ? max(1, threads) : 1
        var next = 0
        while next < shards.count {
            let group = try shards[next..<min(shards.count, next + groupSize)].map {
                try ProvisionalShard(opening: $0, in: directory)
            }
            next += group.count
            let results: [PartResult] = map.withUnsafeBufferPointer { map in
                switch idWidth {
                case .int32:
                    let shard = group[0]
                    let parts = max(1, min(threads, shard.count / (1 << 16)))
                    return Parallelism.map(parts) { part in
                        let range = (shard.count * part / parts)..<(shard.count * (part + 1) / parts)
                        return Self.remapBlocks(
                            shard.file, dataOffset: shard.dataOffset, range: range, map: map, as: Int32.self)
                    }
                case .uint16:
                    return Parallelism.map(group.count) { index in
                        Self.narrowShard(group[index].file, dataOffset: group[index].dataOffset,
                            count: group[index].count, map: map)
                    }
                }
            }
            for (index, result) in results.enumerated() {
                if let failure = result.failure {
                    let path = group[idWidth == .uint16 ? index : 0].file.path
                    throw NpyError.writeFailed(path: path, reason: failure)
                }
                unknown += result.unknown
            }
            for shard in group {
                tokens += shard.count
                shard.file.startWriteback()
                waiting.append(RemappedShard(shard: shard.shard, ids: shard.file, offsetsPath: shard.offsetsPath))
                if waiting.count >= waitingLimit { try waiting.removeFirst().complete(into: destination) }
            }
        }
        for remapped in waiting { try remapped.complete(into: destination) }
        return (tokens, unknown)
    }

    /// A provisional shard, checked and opened for rewriting.
    private struct ProvisionalShard {
        var shard: TokenShardWriter.Shard
        var file: OpenFile
        var offsetsPath: String
        var count: Int
        var dataOffset: Int

        init(opening shard: TokenShardWriter.Shard, in directory: String) throws {
            let idsPath = directory + "/" + shard.ids
            offsetsPath = directory + "/" + shard.offsets
            let ids = try NpyArray<Int32>(path: idsPath)
            let offsets = try NpyArray<Int64>(path: offsetsPath)
            guard offsets.count == shard.sequences + 1, Int(offsets[offsets.count - 1]) == ids.count else {
                throw NpyError.notNpy(path: offsetsPath, reason: "its offsets do not match \(shard.ids)")
            }
            (count, dataOffset) = (ids.count, ids.dataOffset)
            do throws(FileSystemError) {
                file = try OpenFile(path: idsPath, access: .readWrite)
            } catch {
                throw NpyError.writeFailed(path: idsPath, reason: error.reason)
            }
            self.shard = shard
        }
    }

    /// A shard whose ids are rewritten and on their way to disk.
    private struct RemappedShard {
        var shard: TokenShardWriter.Shard
        var ids: OpenFile
        var offsetsPath: String

        /// Forces both files to disk, then moves them into `destination` under their names.
        func complete(into destination: URL) throws {
            do throws(FileSystemError) {
                try ids.synchronize()
                // Its writing started when it was finished (see TokenShardWriter.Durability).
                try OpenFile(path: offsetsPath, access: .readOnly).synchronize()
            } catch {
                throw NpyError.writeFailed(path: error.path, reason: error.reason)
            }
            for (name, path) in [(shard.ids, ids.path), (shard.offsets, offsetsPath)] {
                let target = destination.appendingPathComponent(name).path
                do throws(FileSystemError) {
                    try FileSystem.move(path, to: target)
                } catch {
                    throw NpyError.writeFailed(path: target, reason: "cannot move \(path) there: \(error.reason)")
                }
            }
        }
    }

    private struct PartResult {
        var unknown = 0
        var failure: String?
    }

    /// Remaps provisional numbers `range` of the file (int32) block by block and writes them
    /// back as `ID`s at `ID`'s stride: in place for int32; for uint16 at half the offset, which
    /// is safe going forward because each block is read whole before its narrower copy is
    /// written. A number outside the map (a damaged provisional file) or an id too wide for
    /// `ID` is reported, not trapped on.
    private static func remapBlocks<ID: FixedWidthInteger>(
        _ file: OpenFile, dataOffset: Int, range: Range<Int>, map: UnsafeBufferPointer<Int32>, as _: ID.Type
    ) -> PartResult {
        var result = PartResult()
        let blockLength = 1 << 20
        let numbers = UnsafeMutableBufferPointer<Int32>.allocate(capacity: blockLength)
        let ids = UnsafeMutableBufferPointer<ID>.allocate(capacity: blockLength)
        defer {
            numbers.deallocate()
            ids.deallocate()
        }
        let inStride = MemoryLayout<Int32>.stride
        let outStride = MemoryLayout<ID>.stride
        var position = range.lowerBound
        let limit = UInt32(truncatingIfNeeded: map.count)
        let unknownID = SpecialToken.unknown.id
        let tooWide = ~Int32(truncatingIfNeeded: ID.max)  // 0 for int32: ids are never negative
        while position < range.upperBound {
            let length = min(blockLength, range.upperBound - position)
            let block = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(numbers)[..<(length * inStride)])
            do throws(FileSystemError) {
                try file.read(into: block, at: dataOffset + position * inStride)
            } catch {
                result.failure = "reading ids \(position)..<\(position + length) failed: \(error.reason)"
                return result
            }
            var unknown = 0
            var outside: Int32 = 0
            for index in 0..<length {
                let number = numbers[index]
                guard UInt32(bitPattern: number) < limit else {
                    result.failure =
                        "id \(position + index) holds \(number), outside the \(map.count) provisional numbers"
                    return result
                }
                let id = map[Int(number)]
                unknown &+= id == unknownID ? 1 : 0
                outside |= id & tooWide
                ids[index] = ID(truncatingIfNeeded: id)
            }
            guard outside == 0 else {
                result.failure = "the map gives ids that do not fit in \(ID.bitWidth) bits"
                return result
            }
            result.unknown += unknown
            do throws(FileSystemError) {
                try file.write(
                    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(ids)[..<(length * outStride)]),
                    at: dataOffset + position * outStride)
            } catch {
                result.failure = "writing ids \(position)..<\(position + length) failed: \(error.reason)"
                return result
            }
            position += length
        }
        return result
    }

    /// Rewrites a file of `count` provisional numbers (int32) as `count` uint16 ids through the
    /// map (see ``remapBlocks(_:dataOffset:range:map:as:)``); then the header says `<u2` and the
    /// file is cut after the last id.
    private static func narrowShard(
        _ file: OpenFile, dataOffset: Int, count: Int, map: UnsafeBufferPointer<Int32>
    ) -> PartResult {
        let header = NpyWriter<UInt16>.header(count: count)
        guard header.count == dataOffset else {
            return PartResult(failure: "its values start at byte \(dataOffset), not after a \(header.count)-byte header")
        }
        var result = remapBlocks(file, dataOffset: dataOffset, range: 0..<count, map: map, as: UInt16.self)
        guard result.failure == nil else { return result }
        let failure: FileSystemError? = header.withUnsafeBytes { header in
            do throws(FileSystemError) {
                try file.write(header, at: 0)
                try file.truncate(to: dataOffset + count * 2)
                return nil
            } catch {
                return error
            }
        }
        if let failure { result.failure = "finishing the narrowed file failed: \(failure.reason)" }
        return result
    }
}
