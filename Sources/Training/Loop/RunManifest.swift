import Foundation
import Models
import Tokenization

/// `RUN/run.json`: what a run was made from — the pipeline (paths resolved, command-line
/// overrides applied) and the model's configuration — written once, atomically, when the run
/// starts. `--resume` and the after-training commands rebuild the run from it.
public struct RunManifest: Codable, Sendable {
    public static let fileName = "run.json"
    public static let formatName = "vae-pipeline-run"
    public static let vocabularyFile = "vocabulary.json"

    public var format = RunManifest.formatName
    public var version = 1
    public var createdAt: String
    /// The pipeline file the run was started from (for people; settings come from `pipeline`).
    public var pipelineFile: String
    public var pipeline: PipelineFile
    public var model: SentenceVAEConfiguration
    public var tokenizer: TokenizerConfiguration
    public var vocabularyHash: String

    public init(pipelineFile: String, pipeline: PipelineFile, model: SentenceVAEConfiguration, tokenizer: TokenizerConfiguration, vocabularyHash: String) {
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
        try encoder.encode(self).write(to: runDirectory.appendingPathComponent(Self.fileName), options: .atomic)
    }

    public static func read(from runDirectory: URL) throws -> RunManifest {
        let url = runDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw TrainingError.notARun(runDirectory.path) }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: url))
        } catch {
            throw TrainingError.corruptCheckpoint(url.path, reason: "\(error)")
        }
    }
}
