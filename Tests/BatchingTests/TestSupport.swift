import CorpusReader
import Foundation
import Support
import TokenShards
import Tokenization

@testable import Batching

/// The project's `corpora/` folder.
let corporaDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("corpora")

/// One folder per test process holding every test's directories; removed when the process exits,
/// because property tests make thousands of shard directories and no single test owns their end.
let temporaryRoot: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("batching-tests-\(UUID().uuidString)")
    atexit { try? FileManager.default.removeItem(at: temporaryRoot) }
    return url
}()

/// A fresh temporary directory, inside `temporaryRoot`.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    let url = temporaryRoot.appendingPathComponent("\(name.filter(\.isLetter))-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// `count` sequences of lengths 0…`maxLength`, ids from 4 on (special ids never appear), the
/// same for the same seed. The first id of sequence `p` is `4 + p % 1000`, so rows can be told apart.
func generatedSequences(count: Int, maxLength: Int = 20, seed: UInt64 = 1) -> [[Int32]] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { position in
        let length = Int(generator.next() % UInt64(maxLength + 1))
        return (0..<length).map { index in
            index == 0 ? Int32(4 + position % 1000) : Int32(4 + generator.next() % 500)
        }
    }
}

/// Writes `sequences` as a complete shard directory (shards of `sequencesPerShard`), wrapping
/// each in `<bos>`/`<eos>` when `addBeginAndEnd`, as `vae-pipeline tokenize --bos-eos` does.
func makeShards(
    _ sequences: [[Int32]], sequencesPerShard: Int, addBeginAndEnd: Bool = false, idWidth: TokenIDWidth = .int32,
    in directory: URL? = nil
) throws -> URL {
    let directory = try directory ?? temporaryDirectory()
    let writer = TokenShardWriter(directory: directory, sequencesPerShard: sequencesPerShard, idWidth: idWidth)
    var flat: [Int32] = []
    var ends: [Int] = []
    for sequence in sequences {
        if addBeginAndEnd { flat.append(SpecialToken.begin.id) }
        flat += sequence
        if addBeginAndEnd { flat.append(SpecialToken.end.id) }
        ends.append(flat.count)
    }
    try writer.append(ids: flat, ends: ends)
    try writer.finish()
    var counts = EncodingStatistics()
    counts.records = sequences.count
    counts.sequences = sequences.count
    counts.tokens = flat.count
    try writeManifest(
        for: writer.shards, counts: counts, encoding: EncodingOptions(addBeginAndEnd: addBeginAndEnd),
        idWidth: idWidth, into: directory)
    return directory
}

func writeManifest(
    for shards: [TokenShardWriter.Shard], counts: EncodingStatistics, encoding: EncodingOptions,
    idWidth: TokenIDWidth? = nil, into directory: URL
) throws {
    var manifest = ShardManifest(
        inputs: [], recordsChecksum: "crc32:00000000", reader: .init(ReaderOptions()),
        tokenizer: TokenizerConfiguration(level: .word), encoding: encoding,
        vocabulary: .init(file: "vocab.json", huggingFaceFile: nil, hash: "", size: 0),
        counts: counts, skippedRecords: [:], repairedRecords: 0, shards: shards)
    manifest.idWidth = idWidth
    try manifest.write(into: directory)
}

/// Every batch of one pass, and the pass's final report.
func collect(_ stream: BatchStream, epoch: Int = 0, split: DataSplit = .all, skipping: Int = 0) async throws -> (
    batches: [Batch], report: BatchingReport
) {
    var iterator = stream.batches(epoch: epoch, split: split, skippingBatches: skipping).makeAsyncIterator()
    var batches: [Batch] = []
    while let batch = try await iterator.next() { batches.append(batch) }
    return (batches, iterator.report)
}

/// The real rows of `batches`, in order: (position, ids).
func rows(_ batches: [Batch]) -> [(position: Int64, ids: [Int32])] {
    batches.flatMap { batch in (0..<batch.batchSize).map { (batch.positions[$0], Array(batch.sequence($0))) } }
}

/// Sequences as a shard-source `BatchStream`.
func shardStream(_ sequences: [[Int32]], sequencesPerShard: Int = 1000, options: BatchingOptions) throws -> BatchStream
{
    try BatchStream(
        source: .shards(directory: makeShards(sequences, sequencesPerShard: sequencesPerShard)), options: options)
}
