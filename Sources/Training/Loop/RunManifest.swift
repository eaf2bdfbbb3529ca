import Foundation
import Models
import Support
import TokenShards
import Tokenization

/// `RUN/run.json`: what a run was made from — the pipeline (paths resolved, command-line
/// overrides applied) and the model's configuration, tagged by its family — written once,
/// atomically, when the run starts. `--resume` and the after-training commands rebuild the run
/// from it. Version 1 (sentence VAE only, the configuration untagged) is still read.
public struct RunManifest: Codable, Sendable {
    public static let fileName = "run.json"
    public static let formatName = "vae-pipeline-run"
    /// The run's vocabulary, under the name token shards give it too.
    public static let vocabularyFile = "vocab.json"
    /// The name runs written by earlier versions gave their vocabulary; still read.
    static let earlierVocabularyFile = "vocabulary.json"

    /// The vocabulary file of the run in `runDirectory`: `vocab.json`, or `vocabulary.json` in a
    /// run written by an earlier version.
    public static func vocabularyURL(in runDirectory: URL) -> URL {
        let current = runDirectory.appendingPathComponent(vocabularyFile)
        let earlier = runDirectory.appendingPathComponent(earlierVocabularyFile)
        let manager = FileManager.default
        return !manager.fileExists(atPath: current.path) && manager.fileExists(atPath: earlier.path) ? earlier : current
    }

    public var format = RunManifest.formatName
    public var version = RunManifest.currentVersion
    public static let currentVersion = 2
    public var createdAt: String
    /// The pipeline file the run was started from (for people; settings come from `pipeline`).
    public var pipelineFile: String
    public var pipeline: PipelineFile
    public var model: ModelConfiguration
    public var tokenizer: TokenizerConfiguration
    public var vocabularyHash: String

    public init(
        pipelineFile: String, pipeline: PipelineFile, model: ModelConfiguration, tokenizer: TokenizerConfiguration,
        vocabularyHash: String
    ) {
        createdAt = ISO8601DateFormatter().string(from: Date())
        self.pipelineFile = pipelineFile
        self.pipeline = pipeline
        self.model = model
        self.tokenizer = tokenizer
        self.vocabularyHash = vocabularyHash
    }

    public func write(into runDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: runDirectory.appendingPathComponent(Self.fileName))
    }

    public static func read(from runDirectory: URL) throws -> RunManifest {
        let url = runDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw TrainingError.notARun(runDirectory.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrainingError.corruptCheckpoint(url.path, reason: error.localizedDescription)
        }
        struct Header: Decodable { var format: String?; var version: Int? }
        if let header = try? JSONDecoder().decode(Header.self, from: data), let version = header.version,
            !(1...currentVersion).contains(version)
        {
            throw TrainingError.corruptCheckpoint(
                url.path,
                reason:
                    "it is a run of format version \(version), written by a newer vae-pipeline; this one reads "
                        + "versions 1 to \(currentVersion)"
            )
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch {
            throw TrainingError.corruptCheckpoint(url.path, reason: "\(error)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, version, createdAt, pipelineFile, pipeline, model, tokenizer, vocabularyHash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        version = try container.decode(Int.self, forKey: .version)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        pipelineFile = try container.decode(String.self, forKey: .pipelineFile)
        pipeline = try container.decode(PipelineFile.self, forKey: .pipeline)
        // Version 1 stored the sentence VAE's configuration itself.
        model =
            version == 1
            ? .sentenceVAE(try container.decode(SentenceVAEConfiguration.self, forKey: .model))
            : try container.decode(ModelConfiguration.self, forKey: .model)
        tokenizer = try container.decode(TokenizerConfiguration.self, forKey: .tokenizer)
        vocabularyHash = try container.decode(String.self, forKey: .vocabularyHash)
    }
}
