import AsyncOperators
import CorpusReader
import Foundation
import TokenShards
import Tokenization

/// Source stage: the corpus read, tokenized on all cores (in order) and encoded with the
/// vocabulary, as `tokenize` with the same encoding options would write it; each chunk becomes
/// one block, its arrays handed over without copying. Positions count sequences from 0 in read order.
struct LiveSequenceReader {
    typealias Encoded = AsyncOrderedConcurrentMapSequence<CorpusReader, SequenceChunk>
    private var chunks: Encoded.AsyncIterator
    private var readReport = ReadReport()
    private var nextPosition: Int64 = 0

    init(reader: CorpusReader, tokenizer: ChunkTokenizer, vocabulary: Vocabulary, workers: Int) {
        chunks = reader.orderedConcurrentMap(maxConcurrency: max(1, workers)) {
            try tokenizer.tokenize($0).encoded(with: vocabulary)
        }.makeAsyncIterator()
    }

    /// Fills `block` with the next chunk's sequences; false at the end of the corpus.
    mutating func next(into block: inout SequenceBlock, report: inout BatchingReport) async throws -> Bool {
        guard let chunk = try await chunks.next() else { return false }
        readReport.add(chunk.records)
        let count = chunk.count
        block = SequenceBlock(ids: chunk.ids, ends: chunk.ends, positions: (0..<Int64(count)).map { nextPosition + $0 })
        nextPosition += Int64(count)
        report.records = readReport.records
        report.skippedRecords = readReport.skippedByKind
        report.repairedRecords = readReport.repairedRecords
        report.sourceStatistics.add(chunk.statistics)
        report.bytesRead = readReport.progress.compressedBytes
        report.totalBytes = readReport.progress.totalInputBytes
        return true
    }
}
