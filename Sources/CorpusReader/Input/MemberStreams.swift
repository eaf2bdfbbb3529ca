enum MemberStreams {
    /// How much of a decompressed stream's start libarchive is shown to tell plain data from
    /// an archive (a tar header is 512 bytes).
    static let detectionBytes = 64 << 10

    /// Opens `input` once — standard input and named pipes cannot be opened twice — and picks
    /// the reader from its first bytes.
    static func open(_ input: CorpusInput, blockSize: Int) throws(CorpusError) -> any MemberStream {
        let source: ByteSource
        let magic: [UInt8]
        do {
            source = try ByteSource(input)
            magic = try source.peek(4)
        } catch {
            throw .unreadableInput(path: input.description, reason: error.message)
        }
        if magic.starts(with: [0x1F, 0x8B]) {
            return try openDecoded(input, GzipDecoder(source: source, inputBlockSize: blockSize), blockSize: blockSize)
        }
        if magic == [0x28, 0xB5, 0x2F, 0xFD] {
            return try openDecoded(input, ZstdDecoder(source: source, inputBlockSize: blockSize), blockSize: blockSize)
        }
        do throws(ArchiveFailure) {
            // Recorded so that a pipe's start can be read again as plain data (below).
            let opensByPath = if case .file = input { source.isRegularFile } else { false }
            if !opensByPath { source.startRecording() }
            defer { source.stopRecording() }
            let stream = try openArchive(input, source, formats: .archives, blockSize: blockSize)
            guard stream.startsWithNullBlock else { return stream }
            // libarchive's tar reader takes a first block of NUL bytes for the end of an empty
            // archive, which would lose a text that begins with NUL bytes without a word. There
            // is no tar header, so the input is read as plain data: its NUL bytes then reach
            // the record parsers, which count them.
            if !opensByPath && !source.rewind() {
                throw ArchiveFailure(
                    message:
                        "the input begins with NUL bytes, and too much of it was read to tell whether it is an archive",
                    errno: 0)
            }
            return try openArchive(input, source, formats: .rawOnly, blockSize: blockSize)
        } catch {
            throw .unreadableInput(path: input.description, reason: error.message)
        }
    }

    private static func openArchive(
        _ input: CorpusInput, _ source: ByteSource, formats: ArchiveHandle.Formats, blockSize: Int
    ) throws(ArchiveFailure) -> ArchiveMemberStream {
        let archive = ArchiveHandle(formats: formats)
        if case let .file(path) = input, source.isRegularFile {
            // A regular file can be opened again, by path, so that libarchive may seek in it
            // (a zip archive is read through its central directory).
            try archive.open(path: path, blockSize: blockSize)
        } else {
            try archive.open(blockSize: blockSize) { buffer throws(ArchiveFailure) in
                do throws(ByteSourceFailure) {
                    return try source.read(into: buffer)
                } catch {
                    throw ArchiveFailure(message: "reading failed: \(error.message)", errno: error.errno)
                }
            }
        }
        let stream = ArchiveMemberStream(archive: archive, decoder: nil)
        stream.readFirstEntry()
        return stream
    }

    private static func openDecoded(_ input: CorpusInput, _ decoder: any StreamDecoder, blockSize: Int)
        throws(CorpusError) -> any MemberStream
    {
        let prefix: [UInt8]
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: detectionBytes, alignment: 16)
        defer { scratch.deallocate() }
        do throws(DecodeFailure) {
            let count = try decoder.read(into: scratch)
            prefix = Array(scratch[0..<count])
        } catch {
            throw .corruptInput(
                path: input.description, member: nil, uncompressedOffset: 0,
                compressedOffset: decoder.compressedBytesConsumed, reason: error.reason)
        }
        let detected = prefix.withUnsafeBytes { ArchiveHandle.detect(prefix: $0) }
        // A text beginning with a block of NUL bytes is no tar archive (see `open`).
        if prefix.isEmpty || prefix.withUnsafeBytes(TarHeader.startsWithNullBlock)
            || (detected?.format == "raw" && detected?.filters == [])
        {
            return DecodedMemberStream(decoder: decoder, prefix: prefix)
        }
        // An archive (or another compression) inside the stream: libarchive reads the
        // inflated bytes, starting again with the ones used for detection.
        var replayed = 0
        let archive = ArchiveHandle()
        do throws(ArchiveFailure) {
            try archive.open(blockSize: blockSize) { buffer throws(ArchiveFailure) in
                if replayed < prefix.count {
                    let count = Swift.min(buffer.count, prefix.count - replayed)
                    prefix.withUnsafeBytes {
                        buffer.baseAddress!.copyMemory(from: $0.baseAddress! + replayed, byteCount: count)
                    }
                    replayed += count
                    return count
                }
                do throws(DecodeFailure) {
                    return try decoder.read(into: buffer)
                } catch {
                    throw ArchiveFailure(message: error.reason, errno: 0)
                }
            }
        } catch {
            throw .corruptInput(
                path: input.description, member: nil, uncompressedOffset: 0,
                compressedOffset: decoder.compressedBytesConsumed, reason: error.message)
        }
        let stream = ArchiveMemberStream(archive: archive, decoder: decoder)
        stream.readFirstEntry()
        return stream
    }
}
