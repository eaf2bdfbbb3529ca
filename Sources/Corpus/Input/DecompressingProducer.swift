import Foundation

/// Reads every input in order on a dedicated thread — inflating gzip with ISA-L, detecting
/// other compression and archive formats through libarchive (see ``MemberStreams``) — and
/// sends member boundaries and decompressed byte chunks into a bounded channel. Decompression
/// thus runs on one core while the consumer parses on another, and at most `chunksInFlight`
/// chunks exist between them.
struct DecompressingProducer: Sendable {
    let inputs: [CorpusInput]
    let options: ReaderOptions
    let resolveFormat: @Sendable (String) -> RecordFormat

    /// Starts the thread; it ends after the last input, at the first failure, or when the
    /// channel is cancelled.
    func start(into channel: BoundedChannel<ByteStreamEvent>, pool: ByteStoragePool) {
        let thread = Thread { [self] in
            run(channel, pool)
            channel.finish()
        }
        thread.name = "vae-pipeline.decompress"
        thread.start()
    }

    private func run(_ channel: BoundedChannel<ByteStreamEvent>, _ pool: ByteStoragePool) {
        var totalCompressedBefore: Int64 = 0
        var matchedAnyMember = false
        for input in inputs {
            let stream: any MemberStream
            do throws(CorpusError) {
                try input.checkReadable()
                stream = try MemberStreams.open(input, blockSize: 1 << 20)
            } catch {
                _ = channel.send(.failed(error))
                return
            }
            var memberName: String?
            var lastMember: MemberInfo?
            var uncompressedOffset: Int64 = 0
            do throws(InputFailure) {
                while let entry = try stream.nextMember() {
                    memberName = entry.pathname
                    uncompressedOffset = 0
                    guard entry.isRegularFile else { continue }
                    if let name = entry.pathname, !options.memberPatterns.isEmpty,
                       !options.memberPatterns.contains(where: { fnmatch($0, name, 0) == 0 }) {
                        continue
                    }
                    matchedAnyMember = true
                    let format = options.format == .auto
                        ? resolveFormat(entry.pathname ?? input.description) : options.format
                    let info = MemberInfo(
                        input: input.description, name: entry.pathname,
                        compression: stream.compressionFilters, container: stream.formatName, format: format)
                    lastMember = info
                    guard channel.send(.memberStarted(info)) else { return }
                    while true {
                        let storage = pool.take()
                        let count = try stream.read(into: UnsafeMutableRawBufferPointer(start: storage.pointer, count: storage.capacity))
                        if count == 0 {
                            pool.recycle(storage)
                            break
                        }
                        uncompressedOffset += Int64(count)
                        let compressed = stream.compressedBytesRead
                        let chunk = ByteChunk(
                            storage: storage, count: count, compressedOffset: compressed,
                            totalCompressedOffset: totalCompressedBefore + compressed)
                        guard channel.send(.bytes(chunk)) else { return }
                    }
                    guard channel.send(.memberEnded) else { return }
                }
                let verified = try stream.finish()
                if verified > 0, let lastMember {
                    guard channel.send(.checksumsVerified(lastMember, gzipMembers: verified)) else { return }
                }
            } catch {
                _ = channel.send(.failed(.corruptInput(
                    path: input.description, member: memberName, uncompressedOffset: uncompressedOffset,
                    compressedOffset: stream.compressedBytesRead, reason: error.message)))
                return
            }
            totalCompressedBefore += stream.compressedBytesRead
        }
        if !matchedAnyMember && !options.memberPatterns.isEmpty {
            _ = channel.send(.failed(.noMatchingMembers(patterns: options.memberPatterns)))
        }
    }
}
