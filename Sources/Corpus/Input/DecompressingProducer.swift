import Foundation

/// Reads every input in order on a dedicated thread — detecting compression and archive
/// formats through libarchive — and sends member boundaries and decompressed byte chunks
/// into a bounded channel. Decompression thus runs on one core while the consumer parses on
/// another, and at most `chunksInFlight` chunks exist between them.
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
            let archive = ArchiveHandle()
            do throws(CorpusError) {
                try input.checkReadable()
                do throws(ArchiveFailure) {
                    switch input {
                    case let .file(path): try archive.open(path: path, blockSize: 1 << 20)
                    case .standardInput: try archive.open(fileDescriptor: 0, blockSize: 1 << 20)
                    }
                } catch {
                    throw .unreadableInput(path: input.description, reason: error.message)
                }
            } catch {
                _ = channel.send(.failed(error))
                return
            }
            var memberName: String?
            var uncompressedOffset: Int64 = 0
            do throws(ArchiveFailure) {
                while let entry = try archive.nextEntry() {
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
                        compression: archive.compressionFilters, container: archive.formatName, format: format)
                    guard channel.send(.memberStarted(info)) else { return }
                    while true {
                        let storage = pool.take()
                        let count = try archive.read(into: UnsafeMutableRawBufferPointer(start: storage.pointer, count: storage.capacity))
                        if count == 0 {
                            pool.recycle(storage)
                            break
                        }
                        uncompressedOffset += Int64(count)
                        let compressed = archive.compressedBytesRead
                        let chunk = ByteChunk(
                            storage: storage, count: count, compressedOffset: compressed,
                            totalCompressedOffset: totalCompressedBefore + compressed)
                        guard channel.send(.bytes(chunk)) else { return }
                    }
                    let trailer = archive.formatName == "raw" && archive.compressionFilters == ["gzip"]
                        ? Self.gzipTrailer(of: input) : nil
                    guard channel.send(.memberEnded(gzipTrailer: trailer)) else { return }
                }
            } catch {
                _ = channel.send(.failed(.corruptInput(
                    path: input.description, member: memberName, uncompressedOffset: uncompressedOffset,
                    compressedOffset: archive.compressedBytesRead, reason: error.message)))
                return
            }
            totalCompressedBefore += archive.compressedBytesRead
        }
        if !matchedAnyMember && !options.memberPatterns.isEmpty {
            _ = channel.send(.failed(.noMatchingMembers(patterns: options.memberPatterns)))
        }
    }

    /// Reads the CRC-32 and length stored in the last eight bytes of a gzip file on disk.
    private static func gzipTrailer(of input: CorpusInput) -> GzipTrailer? {
        guard case let .file(path) = input, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd(), end >= 18 else { return nil }
        try? handle.seek(toOffset: end - 8)
        guard let data = try? handle.read(upToCount: 8), data.count == 8 else { return nil }
        let bytes = [UInt8](data)
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        return GzipTrailer(crc: word(0), length: word(4))
    }
}
