/// Reads one or more corpus inputs — plain, compressed or archived, detected from the bytes —
/// as an `AsyncSequence` of ``RecordChunk``s, in bounded memory.
///
/// A dedicated thread decompresses (ISA-L for gzip, libarchive for the rest) into a bounded channel of byte chunks
/// while
/// the consuming task parses each chunk into records, so decompression and parsing run on two
/// cores. Memory is bounded by `chunksInFlight × chunkBytes` plus one pending record of at most
/// `maxRecordBytes`, whatever the size of the corpus.
///
/// ```swift
/// var options = ReaderOptions()
/// options.format = .csv
/// options.columns = [.name("question1"), .name("question2")]
/// let reader = try CorpusReader(inputs: [.file("train.csv.gz")], options: options)
/// for try await chunk in reader {
///     for index in 0..<chunk.count { chunk.withUTF8(index) { bytes in /* … */ } }
/// }
/// ```
///
/// Bad records are skipped and reported in each chunk's ``RecordChunk/issues`` (or, with
/// `strict`, thrown as ``CorpusError/invalidRecord(_:)``). A failure of the input itself —
/// truncated or corrupt compressed data — is thrown as
/// ``CorpusError/corruptInput(path:member:uncompressedOffset:compressedOffset:reason:)``
/// after every record before it has been delivered.
public struct CorpusReader: AsyncSequence, Sendable {
    public typealias Element = RecordChunk

    public let inputs: [CorpusInput]
    public let options: ReaderOptions

    /// Checks the options and that every path is a readable file before anything is read.
    public init(inputs: [CorpusInput], options: ReaderOptions) throws(CorpusError) {
        try options.validate()
        if inputs.isEmpty {
            throw .invalidOptions("No input was given; name at least one file, or '-' for standard input.")
        }
        if inputs.filter({ $0 == .standardInput }).count > 1 {
            throw .invalidOptions("Standard input ('-') can be read only once.")
        }
        if Set(options.columns).count != options.columns.count {
            throw .invalidOptions("A column is selected twice; each column can become records once.")
        }
        if !options.hasHeader, let name = options.columns.first(where: { if case .name = $0 { true } else { false } }) {
            throw .invalidOptions(
                "Column '\(name)' is chosen by name, but the input has no header row; choose columns by index (0, 1, "
                    + "…)."
            )
        }
        for input in inputs { try input.checkReadable() }
        self.inputs = inputs
        self.options = options
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(inputs: inputs, options: options)
    }

    /// Delivers record chunks; also keeps the running ``report`` of the read.
    public struct Iterator: AsyncIteratorProtocol {
        private let inputs: [CorpusInput]
        private let options: ReaderOptions
        private var lifetime: ChannelLifetime?
        private var parser: (any RecordParser)?
        private var member: MemberInfo?
        private var progress = ReadProgress()
        private var pendingError: CorpusError?
        /// Whether the current member has shown a NUL byte; from then on records are checked for one.
        private var memberHasNUL = false
        /// The current member's bytes validated as one UTF-8 stream (records then need no check).
        private var streamValidation: RecordStreamValidation?
        /// The scanners' path for this read (``ByteScanning/instructionSet`` where the read began).
        private let scanPath = ByteScanning.instructionSet
        private var isDone = false
        /// Everything read so far: counts, skipped records by reason, members, headers.
        public private(set) var report = ReadReport()

        init(inputs: [CorpusInput], options: ReaderOptions) {
            self.inputs = inputs
            self.options = options
            let sizes = inputs.map(\.fileSize)
            if sizes.allSatisfy({ $0 != nil }) {
                progress.totalInputBytes = sizes.reduce(0) { $0 + ($1 ?? 0) }
            }
        }

        public mutating func next() async throws -> RecordChunk? {
            if let pendingError {
                self.pendingError = nil
                isDone = true
                throw pendingError
            }
            guard !isDone else { return nil }
            if Task.isCancelled {
                finishEarly()
                throw CancellationError()
            }
            let channel = startIfNeeded()
            var builder = RecordChunkBuilder(
                member: member, firstRecordIndex: report.records, invalidUTF8: options.invalidUTF8)
            // The member's last record may be completed here, from bytes of earlier chunks.
            builder.checksNUL = memberHasNUL
            while true {
                guard let event = await channel.receive() else {
                    isDone = true
                    lifetime = nil
                    return builder.hasContent ? try deliver(builder) : nil
                }
                switch event {
                case let .memberStarted(info):
                    member = info
                    memberHasNUL = false
                    if let sentence = ignoredFormatOptions(for: info) {
                        return try fail(with: .invalidOptions(sentence), after: builder)
                    }
                    parser = makeParser(for: info)
                    streamValidation = RecordStreamValidation(format: info.format, isa: scanPath)
                    // Every earlier member's records were delivered at its end (.memberEnded), so
                    // the builder is empty here and each chunk holds one member's records.
                    builder = RecordChunkBuilder(
                        member: info, firstRecordIndex: report.records, invalidUTF8: options.invalidUTF8)
                    builder.record(.memberStarted(info))
                case let .bytes(chunk):
                    progress.uncompressedBytes += Int64(chunk.count)
                    progress.compressedBytes = chunk.totalCompressedOffset
                    builder.reserve(forInputBytes: chunk.count)
                    // Sticky for the member: a record may have begun in an earlier chunk.
                    memberHasNUL = memberHasNUL || chunk.containsNUL
                    builder.checksNUL = memberHasNUL
                    builder.recordsAreValidUTF8 = streamValidation?.recordsAreValid(through: chunk.bytes) ?? false
                    do {
                        try parser?.parse(chunk.bytes, into: &builder)
                    } catch {
                        return try fail(with: error, after: builder)
                    }
                    lifetime?.pool.recycle(chunk.storage)
                    return try deliver(builder)
                case .memberEnded:
                    builder.recordsAreValidUTF8 = streamValidation?.recordsAreValidAtEnd ?? false
                    do {
                        try parser?.finish(into: &builder)
                    } catch {
                        return try fail(with: error, after: builder)
                    }
                    parser = nil
                    if builder.hasContent { return try deliver(builder) }
                case let .checksumsVerified(info, _):
                    // Delivered at once, so that the next member starts with an empty builder.
                    builder.record(.checksumVerified(info))
                    return try deliver(builder)
                case let .warning(text):
                    // Delivered at once, like a verified checksum: a member may start next.
                    builder.record(.warning(text))
                    return try deliver(builder)
                case let .failed(error):
                    // Records completed before the failure were delivered; a partial one is dropped.
                    return try fail(with: error, after: builder)
                }
            }
        }

        private mutating func startIfNeeded() -> BoundedChannel<ByteStreamEvent> {
            if let lifetime { return lifetime.channel }
            let channel = BoundedChannel<ByteStreamEvent>(capacity: options.chunksInFlight)
            let pool = ByteStoragePool(bufferCapacity: options.chunkBytes, keep: options.chunksInFlight + 2)
            let format = options.format
            DecompressingProducer(inputs: inputs, options: options) { name in
                format == .auto ? RecordFormat.detect(fromName: name) : format
            }.start(into: channel, pool: pool)
            lifetime = ChannelLifetime(channel: channel, pool: pool)
            return channel
        }

        /// With `--format auto`, each member's format comes from its name, so options of another
        /// format would be ignored for it (a CSV member named `data.txt` read as lines, its
        /// `--column` unused): that is refused, naming the member, rather than read silently.
        private func ignoredFormatOptions(for info: MemberInfo) -> String? {
            guard options.format == .auto else { return nil }
            let name = info.input + (info.name.map { " (member \($0))" } ?? "")
            let csvOnly = [
                (!options.columns.isEmpty, "--column"), (options.delimiter != nil, "--delimiter"),
                (!options.hasHeader, "--no-header")
            ].filter(\.0).map(\.1)
            if !csvOnly.isEmpty, info.format != .csv, info.format != .tsv {
                return
                    "\(csvOnly.joined(separator: ", ")) applies to CSV and TSV, but \(name) is read as "
                        + "\(info.format.rawValue) "
                    + "(--format auto decides by name); add --format csv or --format tsv."
            }
            if options.jsonFields != ["text"], info.format != .jsonl {
                return "--field applies to JSON Lines, but \(name) is read as \(info.format.rawValue) "
                    + "(--format auto decides by name); add --format jsonl."
            }
            return nil
        }

        private func makeParser(for info: MemberInfo) -> any RecordParser {
            makeRecordParser(for: info, options: options)
        }

        private mutating func deliver(_ builder: RecordChunkBuilder) throws -> RecordChunk {
            var builder = builder
            builder.setProgress(progress)
            let chunk = builder.chunk
            report.add(chunk)
            if options.strict, let issue = chunk.issues.first {
                finishEarly()
                throw CorpusError.invalidRecord(issue)
            }
            return chunk
        }

        private mutating func fail(with error: CorpusError, after builder: RecordChunkBuilder) throws -> RecordChunk {
            finishEarly()
            if builder.hasContent {
                pendingError = error
                return try deliver(builder)
            }
            throw error
        }

        private mutating func finishEarly() {
            isDone = true
            lifetime = nil  // cancels the channel, which stops the producer thread
        }
    }
}
