import CorpusReader
import Foundation
import Support
import Tokenization

/// Builds a vocabulary's embedding matrix from a word-vectors file — GloVe text, word2vec or
/// fastText text, word2vec binary; plain, compressed or inside an archive, detected from the
/// bytes by libarchive — in one streaming pass.
///
/// ```swift
/// let vocabulary = try Vocabulary.load(from: URL(fileURLWithPath: "vocab.json"))
/// var options = EmbeddingOptions()
/// options.memberPatterns = ["*.300d.txt"]
/// let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options)
///     .load(from: .file("glove.6B.zip"))
/// matrix.row(Int(vocabulary.id(for: "the")))   // the file's vector of "the"
/// try matrix.writeNpy(to: "embeddings.npy")
/// ```
///
/// As in ``CorpusReader``, a dedicated thread decompresses into a bounded channel while the
/// calling task scans, so memory is the matrix (vocabulary × dimension) plus a few chunks,
/// whatever the size of the file. Only lines whose token is in the vocabulary have their numbers
/// parsed. Malformed lines — wrong dimension, non-numeric, non-finite or implausibly large
/// values — are skipped and counted in the ``EmbeddingReport`` (or, with `strict`, thrown as
/// ``EmbeddingError/invalidLine(path:member:line:reason:)``); a word2vec binary record that
/// breaks the layout, or a file cut inside a record, stops the load with its record number.
///
/// Bounds on what the file controls: the dimension is at most ``EmbeddingOptions/maxDimension``
/// (10,000 unless raised, never above 1,000,000), the matrix must fit in the memory available
/// (checked before allocating), a line at most ``EmbeddingOptions/maxLineBytes``; the header's
/// row count is only compared, never allocated for. The first line of a vocabulary token wins;
/// later ones are counted as duplicates.
///
/// Row 0 (`<pad>`) is always zero. Vocabulary entries without a vector get the ``OOVPolicy``.
public struct EmbeddingLoader: Sendable {
    public let vocabulary: Vocabulary
    public let options: EmbeddingOptions
    private let table: UTF8TokenTable

    public init(vocabulary: Vocabulary, options: EmbeddingOptions = EmbeddingOptions()) {
        self.vocabulary = vocabulary
        self.options = options
        table = UTF8TokenTable(tokens: vocabulary.tokens)
    }

    /// Reads `input` once and returns the matrix with its report. `progress` is called after
    /// each chunk with the compressed bytes read so far.
    public func load(from input: CorpusInput, progress: (Int64) -> Void = { _ in }) async throws -> EmbeddingMatrix {
        try options.validate()
        try input.checkReadable()
        if let members = ArchiveMemberListing.zipMembers(of: input, patterns: options.memberPatterns), members.count > 1
        {
            throw EmbeddingError.severalMembers(path: input.description, members: members, complete: true)
        }
        var readerOptions = ReaderOptions()
        readerOptions.memberPatterns = options.memberPatterns
        readerOptions.chunkBytes = max(4096, options.chunkBytes)
        try readerOptions.validate()
        let channel = BoundedChannel<ByteStreamEvent>(capacity: readerOptions.chunksInFlight)
        let pool = ByteStoragePool(bufferCapacity: readerOptions.chunkBytes, keep: readerOptions.chunksInFlight + 2)
        DecompressingProducer(inputs: [input], options: readerOptions) { _ in .lines }.start(into: channel, pool: pool)
        // Cancels the channel, and so stops the thread, however this function is left.
        let lifetime = ChannelLifetime(channel: channel, pool: pool)

        let scanner = EmbeddingScanner(table: table, options: options, path: input.description)
        var report = EmbeddingReport(path: input.description)
        var memberInfo: MemberInfo?
        while let event = await channel.receive() {
            switch event {
            case let .memberStarted(info):
                if let memberInfo {
                    throw EmbeddingError.severalMembers(
                        path: input.description, members: [memberInfo.name ?? "?", info.name ?? "?"], complete: false)
                }
                memberInfo = info
                scanner.member = info.name
                report.member = info.name
                report.compression = info.compression
                report.container = info.container
            case let .bytes(chunk):
                try Task.checkCancellation()
                report.bytesRead += Int64(chunk.count)
                report.compressedBytesRead = chunk.totalCompressedOffset
                try scanner.consume(chunk.bytes)
                pool.recycle(chunk.storage)
                progress(report.compressedBytesRead)
            case .memberEnded:
                try scanner.finish()
            case .checksumsVerified, .warning:
                // An empty input or member is refused by the scanner (no rows).
                break
            case let .failed(error):
                throw error
            }
        }
        withExtendedLifetime(lifetime) {}
        if memberInfo == nil {
            // An empty archive: libarchive found no member to read.
            throw EmbeddingError.noVectors(path: input.description, member: nil)
        }
        return try assemble(scanner, report: report)
    }

    /// Builds the matrix from a vectors file already in memory (uncompressed), scanned in pieces
    /// of `pieceBytes` as ``load(from:progress:)`` scans decompressed chunks. `name` stands for
    /// the file in messages. For tests and fuzzing.
    public func load(bytes: UnsafeRawBufferPointer, name: String = "<memory>", pieceBytes: Int? = nil) throws
        -> EmbeddingMatrix
    {
        try options.validate()
        let scanner = EmbeddingScanner(table: table, options: options, path: name)
        var report = EmbeddingReport(path: name)
        let all = bytes.assumingMemoryBound(to: UInt8.self)
        let step = max(1, pieceBytes ?? options.chunkBytes)
        var start = 0
        while start < all.count {
            let end = min(all.count, start + step)
            try scanner.consume(UnsafeBufferPointer(rebasing: all[start..<end]))
            start = end
        }
        try scanner.finish()
        report.bytesRead = Int64(all.count)
        return try assemble(scanner, report: report)
    }

    /// Fills the rows without vectors by the OOV policy and completes the report.
    private func assemble(_ scanner: EmbeddingScanner, report: EmbeddingReport) throws -> EmbeddingMatrix {
        var report = report
        guard scanner.vectorLines > 0, var values = scanner.takeMatrix() else {
            throw EmbeddingError.noVectors(path: scanner.path, member: scanner.member)
        }
        let rows = vocabulary.count
        let dimension = scanner.dimension
        report.format = scanner.format
        report.dimension = dimension
        report.dimensionSource = scanner.dimensionSource
        report.declaredRows = scanner.declaredRows
        report.linesRead = scanner.lineNumber
        report.skipped = scanner.skipped
        report.skippedLines = scanner.skippedLines
        report.duplicates = scanner.duplicates
        report.oovPolicy = options.oovPolicy
        if let declared = scanner.declaredRows, scanner.format != .glove, declared != scanner.lineNumber - 1 {
            let unit = scanner.format == .word2vecBinary ? "rows" : "lines"
            report.warnings.append(
                "The header declares \(declared) vectors, but \(scanner.lineNumber - 1) \(unit) followed it.")
        }
        if scanner.headerMismatch, let declared = scanner.declaredDimension {
            report.warnings.append(
                "The header says the vectors have \(declared) values, but the lines have \(dimension) "
                    + "(\(scanner.dimensionSource.description)); lines were read with \(dimension)."
            )
        }

        let special = SpecialToken.allCases.count
        let counts = vocabulary.counts
        var found = [Bool](repeating: false, count: rows)
        var matched = 0
        var sum = 0.0
        var sumOfSquares = 0.0
        for id in 1..<rows where scanner.source(of: id) != 0 {
            found[id] = true
            matched += 1
            for value in values[id * dimension..<(id + 1) * dimension] {
                sum += Double(value)
                sumOfSquares += Double(value) * Double(value)
            }
            if id >= special {
                report.typesFound += 1
                report.occurrencesCovered += counts[id]
                if scanner.source(of: id) == 2 { report.caseInsensitiveMatches += 1 }
            }
        }
        guard matched > 0 else {
            throw EmbeddingError.noTokenMatched(
                path: scanner.path, member: scanner.member, linesRead: scanner.lineNumber)
        }
        report.vocabularyTypes = max(0, rows - special)
        report.tokenOccurrences = counts.dropFirst(special).reduce(0, +)
        let missing = (special..<max(special, rows)).filter { !found[$0] }
        report.oovExamples = missing.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            .prefix(10).map { OOVExample(token: vocabulary.tokens[$0], count: counts[$0]) }

        // <pad> is zero whatever the file says (the scanner never fills it).
        for index in 0..<dimension { values[index] = 0 }
        let unknown = SpecialToken.unknown.index
        report.unknownVector = found[unknown] ? .file : .oovPolicy
        switch options.oovPolicy {
        case .zero:
            break  // rows without vectors are zero already
        case .unk:
            if !found[unknown] {
                // No <unk> in the file: the mean of the matched vectors stands for unknown words.
                var mean = [Double](repeating: 0, count: dimension)
                for id in 1..<rows where found[id] {
                    for index in 0..<dimension { mean[index] += Double(values[id * dimension + index]) }
                }
                for index in 0..<dimension {
                    values[unknown * dimension + index] = Float(mean[index] / Double(matched))
                }
                report.unknownVector = .mean
            }
            for id in 1..<rows where !found[id] && id != unknown {
                for index in 0..<dimension { values[id * dimension + index] = values[unknown * dimension + index] }
            }
        case .random:
            let count = Double(matched * dimension)
            let mean = sum / count
            let deviation = max(0, sumOfSquares / count - mean * mean).squareRoot()
            var generator = SplitMix64(seed: options.seed)
            var normals = NormalSampler(.angleExcludesZero)
            for id in 1..<rows where !found[id] {
                for index in 0..<dimension {
                    values[id * dimension + index] = Float(
                        normals.next(
                            mean: mean, standardDeviation: deviation,
                            using: &generator))
                }
            }
        }
        // Every value kept was checked; this guards the OOV arithmetic, so that no NaN or
        // infinity ever reaches a model or an .npy file.
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EmbeddingError.nonFiniteMatrix(path: scanner.path, row: bad / dimension)
        }
        return EmbeddingMatrix(values: values, rows: rows, dimension: dimension, report: report)
    }
}
