import CorpusReader
import Foundation
import Support
import Tokenization

/// `manifest.json` of a token-shard directory, written last and atomically by
/// `vae-pipeline tokenize`: its presence is what says the directory is complete. It records the
/// options, the vocabulary's hash, the counts and the shards, so a consumer can check that the
/// shards fit the vocabulary it holds.
public struct ShardManifest: Codable, Sendable {
    public static let fileName = "manifest.json"
    public static let formatName = "vae-pipeline-token-shards"

    public struct Input: Codable, Sendable, Hashable {
        public var path: String
        /// Bytes on disk (nil for standard input).
        public var bytes: Int64?

        public init(path: String, bytes: Int64?) {
            self.path = path
            self.bytes = bytes
        }
    }

    public struct ReaderSettings: Codable, Sendable, Hashable {
        public var format: String
        public var columns: [String]
        public var fields: [String]
        public var members: [String]
        public var header: Bool
        public var maxRecordBytes: Int
        public var invalidUTF8: String

        public init(_ options: ReaderOptions) {
            format = options.format.rawValue
            columns = options.columns.map(\.description)
            fields = options.format == .jsonl || options.format == .auto ? options.jsonFields : []
            members = options.memberPatterns
            header = options.hasHeader
            maxRecordBytes = options.maxRecordBytes
            invalidUTF8 = options.invalidUTF8.rawValue
        }

        // The file says `invalid_utf8`; snake-case decoding turns that into `invalidUtf8`, never
        // back into `invalidUTF8`, so the key is spelled the way the round trip produces it.
        enum CodingKeys: String, CodingKey {
            case format, columns, fields, members, header, maxRecordBytes
            case invalidUTF8 = "invalidUtf8"
        }
    }

    public struct VocabularyInfo: Codable, Sendable, Hashable {
        public var file: String
        public var huggingFaceFile: String?
        public var hash: String
        public var size: Int

        public init(file: String, huggingFaceFile: String?, hash: String, size: Int) {
            self.file = file
            self.huggingFaceFile = huggingFaceFile
            self.hash = hash
            self.size = size
        }
    }

    public var format = ShardManifest.formatName
    /// 2: ids may be stored in 16 bits (``idWidth``); 1: always 32.
    public var version = 2
    public var createdAt: String
    public var inputs: [Input]
    /// CRC-32 over every record's UTF-8 in order, each followed by a NUL byte: equal values mean
    /// the same records were read, whatever the compression.
    public var recordsChecksum: String
    public var reader: ReaderSettings
    public var tokenizer: TokenizerConfiguration
    public var encoding: EncodingOptions
    public var vocabulary: VocabularyInfo
    public var counts: EncodingStatistics
    public var skippedRecords: [String: Int]
    public var repairedRecords: Int
    public var shards: [TokenShardWriter.Shard]
    /// How every shard stores its ids (`<u2` or `<i4`, as in the files' `.npy` headers); nil in
    /// manifests of version 1 (all `<i4`) and in a merge of workers that differ, where each
    /// file's header says.
    public var idWidth: TokenIDWidth?
    /// Written by one worker of a sharded run (`tokenize --shard I/N`): the partition it followed.
    public var partition: ShardPlan?
    /// Written by one worker of a sharded run: the records checksum and length of each of its
    /// parts, from which the merged manifest computes the single run's ``recordsChecksum``.
    public var parts: [Part]?

    /// One part of a sharded run (see ``ShardPlan``): its number and the CRC-32 and length of
    /// its records as ``RecordsChecksum`` reads them.
    public struct Part: Codable, Sendable, Hashable {
        public var number: Int
        public var recordsChecksum: String
        public var recordsBytes: Int64

        public init(number: Int, recordsChecksum: String, recordsBytes: Int64) {
            self.number = number
            self.recordsChecksum = recordsChecksum
            self.recordsBytes = recordsBytes
        }
    }

    public init(
        inputs: [Input], recordsChecksum: String, reader: ReaderSettings, tokenizer: TokenizerConfiguration,
        encoding: EncodingOptions, vocabulary: VocabularyInfo, counts: EncodingStatistics,
        skippedRecords: [String: Int], repairedRecords: Int, shards: [TokenShardWriter.Shard]
    ) {
        createdAt = ISO8601DateFormatter().string(from: Date())
        self.inputs = inputs
        self.recordsChecksum = recordsChecksum
        self.reader = reader
        self.tokenizer = tokenizer
        self.encoding = encoding
        self.vocabulary = vocabulary
        self.counts = counts
        self.skippedRecords = skippedRecords
        self.repairedRecords = repairedRecords
        self.shards = shards
    }

    /// Writes `manifest.json` into `directory` atomically.
    public func write(into directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write(try encoder.encode(self), to: directory.appendingPathComponent(Self.fileName))
    }

    /// Reads and checks `manifest.json` of `directory`.
    public static func read(from directory: URL) throws -> ShardManifest {
        let url = directory.appendingPathComponent(fileName)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let manifest = try decoder.decode(ShardManifest.self, from: Data(contentsOf: url))
        guard manifest.format == formatName else {
            throw TokenShardsError.notAShardManifest(path: url.path, format: manifest.format)
        }
        return manifest
    }
}
