import Foundation

/// Reads every input in order on a dedicated thread — inflating gzip with ISA-L, detecting
/// other compression and archive formats through libarchive (see ``MemberStreams``) — and
/// sends member boundaries and decompressed byte chunks into a bounded channel. Decompression
/// thus runs on one core while the consumer parses on another, and at most `chunksInFlight`
/// chunks exist between them.
package struct DecompressingProducer: Sendable {
    let inputs: [CorpusInput]
    let options: ReaderOptions
    let resolveFormat: @Sendable (String) -> RecordFormat

    package init(
        inputs: [CorpusInput], options: ReaderOptions, resolveFormat: @escaping @Sendable (String) -> RecordFormat
    ) {
        self.inputs = inputs
        self.options = options
        self.resolveFormat = resolveFormat
    }

    /// Starts the thread; it ends after the last input, at the first failure, or when the
    /// channel is cancelled.
    package func start(into channel: BoundedChannel<ByteStreamEvent>, pool: ByteStoragePool) {
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
            var regularMembers = 0
            var matchedMembers = 0
            var inputBytes: Int64 = 0
            do throws(InputFailure) {
                while let entry = try stream.nextMember() {
                    memberName = entry.pathname
                    uncompressedOffset = 0
                    if let warning = entry.warning {
                        guard
                            channel.send(
                                .warning(
                                    "\(describe(input, entry.pathname)): libarchive warned about the member's header: "
                                        + "\(warning)."
                                ))
                        else { return }
                    }
                    guard entry.isRegularFile else { continue }
                    regularMembers += 1
                    if let name = entry.pathname, !options.memberPatterns.isEmpty,
                        !options.memberPatterns.contains(where: { fnmatch($0, name, 0) == 0 })
                    {
                        continue
                    }
                    matchedAnyMember = true
                    matchedMembers += 1
                    let container = ContainerMemberBytes(stream)
                    let content = try MemberContentReader.open(container)
                    let format =
                        options.format == .auto
                        ? resolveFormat(entry.pathname ?? input.description) : options.format
                    let info = MemberInfo(
                        input: input.description, name: entry.pathname,
                        compression: stream.compressionFilters + content.compression, container: stream.formatName,
                        format: format, encoding: content.encoding?.name)
                    lastMember = info
                    guard channel.send(.memberStarted(info)) else { return }
                    while true {
                        let storage = pool.take()
                        let buffer = UnsafeMutableRawBufferPointer(start: storage.pointer, count: storage.capacity)
                        let count = try content.bytes.read(into: buffer)
                        if count == 0 {
                            pool.recycle(storage)
                            break
                        }
                        uncompressedOffset += Int64(count)
                        let compressed = stream.compressedBytesRead
                        var chunk = ByteChunk(
                            storage: storage, count: count, compressedOffset: compressed,
                            totalCompressedOffset: totalCompressedBefore + compressed)
                        // memchr runs at memory speed, on this thread rather than the parser's.
                        chunk.containsNUL = memchr(storage.pointer, 0, count) != nil
                        guard channel.send(.bytes(chunk)) else { return }
                    }
                    inputBytes += uncompressedOffset
                    // A container that stops early without an error (libarchive does for some
                    // damage) must not pass for a complete member.
                    if let declared = entry.declaredSize, entry.pathname != nil, declared != container.count {
                        throw InputFailure(
                            message:
                                "the member ended after \(container.count) bytes, but the archive declares \(declared)")
                    }
                    if let transcoder = content.transcoder, transcoder.replacements > 0 {
                        guard
                            channel.send(
                                .warning(
                                    "\(describe(input, entry.pathname)): \(transcoder.replacements) invalid "
                                        + "\(content.encoding!.name) "
                                            + "sequence\(transcoder.replacements == 1 ? " was" : "s were") replaced "
                                                + "with U+FFFD."
                                ))
                        else { return }
                    }
                    guard channel.send(.memberEnded) else { return }
                }
                let verified = try stream.finish()
                if verified > 0, let lastMember {
                    guard channel.send(.checksumsVerified(lastMember, gzipMembers: verified)) else { return }
                }
            } catch {
                _ = channel.send(
                    .failed(
                        .corruptInput(
                            path: input.description, member: memberName, uncompressedOffset: uncompressedOffset,
                            compressedOffset: stream.compressedBytesRead, reason: error.message)))
                return
            }
            // An input that yields nothing is said so: it may be the wrong file, or one whose
            // start fooled format detection.
            let warning: String?
            if matchedMembers == 0 && regularMembers > 0 {
                warning =
                    "No member of '\(input)' matched "
                        + "\(options.memberPatterns.map { "'\($0)'" }.joined(separator: " or ")); nothing was read "
                            + "from it."
            } else if inputBytes > 0 {
                warning = nil
            } else if stream.formatName == "raw" || stream.formatName.lowercased().contains("empty") {
                warning = "'\(input)' is empty; no text was read from it."
            } else if regularMembers == 0 {
                warning = "'\(input)' (\(stream.formatName)) holds no files; no text was read from it."
            } else {
                warning =
                    "'\(input)' holds no text: "
                        + "\(matchedMembers == 1 ? "its only file is" : "all \(matchedMembers) files read are") empty."
            }
            if let warning, !channel.send(.warning(warning)) { return }
            totalCompressedBefore += stream.compressedBytesRead
        }
        if !matchedAnyMember && !options.memberPatterns.isEmpty {
            _ = channel.send(.failed(.noMatchingMembers(patterns: options.memberPatterns)))
        }
    }

    private func describe(_ input: CorpusInput, _ member: String?) -> String {
        member.map { "'\(input)', member '\($0)'" } ?? "'\(input)'"
    }
}

/// A member's bytes after its content was classified (``MemberContent``): compressed members
/// decompressed, UTF-16/UTF-32 transcoded, an archive inside a member refused.
struct MemberContentReader {
    var bytes: any MemberBytes
    /// Compressions found inside the member, outermost first.
    var compression: [String] = []
    var encoding: UnicodeEncoding?
    var transcoder: TranscodedMemberBytes?

    /// How many compressions inside one another are undone before giving up.
    static let maximumNesting = 4

    static func open(_ container: any MemberBytes) throws(InputFailure) -> MemberContentReader {
        var source: any MemberBytes = container
        var compression: [String] = []
        while true {
            let prefix = try ReplayedMemberBytes.readPrefix(source)
            let content = prefix.withUnsafeBytes { MemberContent.classify($0) }
            switch content {
            case .plain:
                return MemberContentReader(
                    bytes: ReplayedMemberBytes(prefix: prefix, rest: source), compression: compression)
            case let .compressed(name):
                guard compression.count < maximumNesting else {
                    throw InputFailure(
                        message:
                            "the data is compressed more than \(maximumNesting) times over "
                                + "(\((compression + [name]).joined(separator: ", "))); this looks like damaged or "
                                    + "hostile input"
                    )
                }
                compression.append(name)
                source = try DecompressedMemberBytes(
                    compression: name, source: ReplayedMemberBytes(prefix: prefix, rest: source))
            case let .unicode(encoding):
                // The byte-order mark is dropped: it is not part of the text.
                let rest = ReplayedMemberBytes(
                    prefix: Array(prefix.dropFirst(encoding.byteOrderMarkLength)), rest: source)
                let transcoder = TranscodedMemberBytes(encoding: encoding, source: rest)
                return MemberContentReader(
                    bytes: transcoder, compression: compression, encoding: encoding, transcoder: transcoder)
            case let .archive(name):
                throw InputFailure(
                    message:
                        "the data is itself a \(name) archive, which is not opened inside another input; extract it "
                            + "and give it as an input of its own"
                )
            }
        }
    }
}
