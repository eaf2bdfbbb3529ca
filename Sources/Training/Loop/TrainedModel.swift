import Foundation
import Models
import NeuralCore
import Support
import Tokenization

/// A trained model of any family loaded from a run directory (its best or latest checkpoint) or
/// from one checkpoint directory, with the vocabulary and tokenizer it was trained with: what
/// `sample`, `reconstruct`, `encode`, `interpolate`, `neighbors` and `eval` use. Operations a
/// model lacks (a VRNN has no sentence latent to encode to) are errors saying so.
public final class TrainedModel {
    public let runDirectory: URL
    public let manifest: RunManifest
    public let checkpoint: CheckpointStore.Checkpoint
    public let model: any TextModel
    public let vocabulary: Vocabulary
    public var kind: ModelKind { manifest.model.kind }
    /// The operations the run's summary uses too: samples, decoding, reconstructions.
    public let showcase: ModelShowcase
    public let maxLength: Int?
    /// False when the checkpoint's weights carry no checksums (written before checkpoints had
    /// them): they loaded and are finite, but damage to the file could not be detected.
    public let verified: Bool
    private let tokenizer: Tokenizer

    /// A sentence for the user when the weights could not be verified, else nil.
    public var unverifiedNote: String? {
        verified
            ? nil
            : "Note: \(checkpoint.modelURL.path) was written without checksums (by an older vae-pipeline), so damage "
                + "to it cannot be detected; its weights were checked to be finite."
    }

    public enum Choice: String, Sendable, CaseIterable { case best, latest }

    /// Loads `path`: a run directory (then `choice` picks its best or latest checkpoint; best falls
    /// back to latest when no validation has run) or a checkpoint directory inside one.
    public init(path: String, choice: Choice = .best) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TrainingError.notARun(path)
        }
        if fileManager.fileExists(atPath: url.appendingPathComponent(CheckpointStore.stateFile).path) {
            checkpoint = try CheckpointStore.read(url)
            runDirectory = url.deletingLastPathComponent().deletingLastPathComponent()
        } else {
            runDirectory = url
            let store = CheckpointStore(runDirectory: url)
            let chosen = choice == .best ? (try store.best() ?? store.latest()) : try store.latest()
            guard let chosen else { throw TrainingError.notARun(path) }
            checkpoint = chosen
        }
        manifest = try RunManifest.read(from: runDirectory)
        let vocabularyURL = RunManifest.vocabularyURL(in: runDirectory)
        do {
            vocabulary = try Vocabulary.load(from: vocabularyURL)
        } catch {
            throw TrainingError.corruptCheckpoint(vocabularyURL.path, reason: error.localizedDescription)
        }
        var rng = RandomGenerator(seed: 0)
        model = manifest.model.makeModel(rng: &rng)
        verified = try SafeTensors.loadVerifying(into: model.namedParameters, from: checkpoint.modelURL).verified
        tokenizer = try manifest.tokenizer.makeTokenizer()
        // The lengths the run trained with, as `train` resolved them from its pipeline.
        let batching = try ResolvedPipeline(manifest.pipeline, path: manifest.pipelineFile).batching
        maxLength = batching.maxLength
        window = batching.window
        showcase = ModelShowcase(
            model: model, kind: manifest.model.kind, vocabulary: vocabulary,
            defaultLength: window ?? (maxLength ?? 50) + 10)
    }

    /// The character window the model was trained on (nil: one sequence per record).
    public let window: Int?

    /// The model as one with a sentence latent, or an error naming what `operation` needs.
    public func latentModel(for operation: String) throws -> any LatentTextModel {
        guard let latentModel = model as? any LatentTextModel else {
            throw TrainingError.notSupported(
                "The run's model is a\(kind == .languageModel ? "n" : "") \(kind.displayName), which has no single "
                    + "latent vector per sequence "
                        + "(\(kind == .vrnn ? "its latents are one per step" : "it has none")), so it cannot "
                            + "\(operation); use sample or eval."
            )
        }
        return latentModel
    }

    /// Refuses a decoding method the model does not have (beam search is the sentence and word
    /// VAEs': the character models have no end symbol to rank finished hypotheses by).
    public func check(_ strategy: DecodingStrategy) throws {
        if case .beam = strategy, kind != .sentenceVAE, kind != .wordVAE {
            throw TrainingError.notSupported(
                "Beam search decodes the sentence and word VAEs only; the run's model is "
                    + "a\(kind == .languageModel ? "n" : "") \(kind.displayName). Use --decoding greedy or --decoding "
                        + "sample."
            )
        }
    }

    /// The generation length when none is asked for: a window of text, or a record's limit with room to spare.
    public var defaultLength: Int { showcase.defaultLength }

    /// Sequences from the model's prior (`count` at once), as text.
    public func generate(count: Int, strategy: DecodingStrategy, maxLength: Int? = nil, rng: inout RandomGenerator)
        -> [String]
    {
        showcase.samples(count: count, strategy: strategy, maxLength: maxLength, rng: &rng)
    }

    /// Sequences that begin with `start` and continue it (the character models); the length
    /// counts the start's characters.
    public func generate(
        count: Int, continuing start: String, strategy: DecodingStrategy, maxLength: Int? = nil,
        rng: inout RandomGenerator
    ) throws -> [String] {
        guard let model = model as? any PrefixGenerating else {
            throw TrainingError.notSupported(
                "Only the character models (char_vae, vrnn, lstm_lm) continue a start string; the run's model is a "
                    + "\(kind.displayName), which draws whole sequences from its latent."
            )
        }
        let prefix = try vocabulary.encode(start, using: tokenizer)
        guard !prefix.isEmpty else { throw TrainingError.emptyInput("The start string has no characters.") }
        let length = max(maxLength ?? defaultLength, prefix.count + 1)
        return model.generate(count: count, prefix: prefix, maxLength: length, strategy: strategy, rng: &rng).map {
            text(of: $0)
        }
    }

    /// Token ids of `text` (truncated to the run's maximum length); empty when it has no tokens.
    public func ids(of text: String) throws -> [Int32] {
        var ids = try vocabulary.encode(text, using: tokenizer)
        if let maxLength, ids.count > maxLength { ids.removeLast(ids.count - maxLength) }
        return ids
    }

    /// The text of ids (without `<bos>`/`<pad>`; `<unk>` shown as such; a character stream's
    /// `<eos>` as a line break).
    public func text(of ids: [Int32]) -> String { showcase.text.text(of: ids) }

    /// Encodes sentences to latent means and log-variances, `batchSize` at a time.
    /// Sentences without a single token cannot be encoded and are an error naming them.
    public func encode(_ texts: [String], batchSize: Int = 256) throws -> (means: [[Float]], logVariances: [[Float]]) {
        let model = try latentModel(for: "encode sentences")
        var means: [[Float]] = []
        var logVariances: [[Float]] = []
        var start = 0
        while start < texts.count {
            let slice = texts[start..<min(texts.count, start + batchSize)]
            let sequences = try slice.enumerated().map { offset, text in
                let ids = try self.ids(of: text)
                if ids.isEmpty {
                    throw TrainingError.emptyInput(
                        "Sentence \(start + offset + 1) (\"\(text.prefix(60))\") has no tokens to encode.")
                }
                return ids
            }
            let (mean, logVariance) = model.encode(TokenBatch(sentences: sequences))
            let latent = model.latentWidth
            for row in 0..<sequences.count {
                means.append(Array(UnsafeBufferPointer(start: mean.data + row * latent, count: latent)))
                logVariances.append(Array(UnsafeBufferPointer(start: logVariance.data + row * latent, count: latent)))
            }
            start += batchSize
        }
        return (means, logVariances)
    }

    /// Decodes latent vectors (rows) to sentences.
    public func decode(
        _ latents: [[Float]], strategy: DecodingStrategy, maxLength: Int? = nil, rng: inout RandomGenerator
    ) throws -> [String] {
        _ = try latentModel(for: "decode latent vectors")
        return showcase.decode(latents, strategy: strategy, maxLength: maxLength, rng: &rng)
    }

}
