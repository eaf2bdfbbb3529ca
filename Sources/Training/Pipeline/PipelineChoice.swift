import Batching
import CorpusReader
import Embeddings
import Models
import NeuralCore
import TokenShards
import Tokenization

/// A setting a pipeline file chooses by name from a fixed list (`batching.over_length: drop`),
/// decoded straight into its own type.
///
/// The sections' synthesized decoding reads such a field through the `KeyedDecodingContainer`
/// overloads below (Swift picks them over the general ones because they are more specific), so a
/// name off the list is refused naming the key, the names allowed there and the one given.
protocol PipelineChoice: CaseIterable, RawRepresentable, Codable, Sendable where RawValue == String {
    /// The names a pipeline file may give, in the order a refusal lists them.
    static var pipelineNames: [String] { get }
}

extension PipelineChoice {
    static var pipelineNames: [String] { allCases.map(\.rawValue) }

    /// The value a pipeline file names, or the reason it names none: "must be a, b or c; 'x' was given".
    static func parse(_ name: String) -> Result<Self, InvalidPipelineChoice> {
        let names = pipelineNames
        if names.contains(name), let value = Self(rawValue: name) { return .success(value) }
        let list = names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
        return .failure(InvalidPipelineChoice(reason: "must be \(list); '\(name)' was given"))
    }
}

/// Why a name is not one a ``PipelineChoice`` allows (carried by the `DecodingError`).
struct InvalidPipelineChoice: Error {
    let reason: String
}

extension KeyedDecodingContainer {
    func decodeIfPresent<Choice: PipelineChoice>(_ type: Choice.Type, forKey key: Key) throws -> Choice? {
        guard let name = try decodeIfPresent(String.self, forKey: key) else { return nil }
        return try choice(Choice.self, named: name, forKey: key)
    }

    func decode<Choice: PipelineChoice>(_ type: Choice.Type, forKey key: Key) throws -> Choice {
        try choice(Choice.self, named: try decode(String.self, forKey: key), forKey: key)
    }

    private func choice<Choice: PipelineChoice>(
        _ type: Choice.Type, named name: String,
        forKey key: Key
    ) throws -> Choice {
        switch Choice.parse(name) {
        case .success(let value):
            return value
        case .failure(let invalid):
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key], debugDescription: invalid.reason,
                    underlyingError: invalid))
        }
    }
}

extension ModelKind: PipelineChoice {}
extension RecurrentCellKind: PipelineChoice {}
extension RecordFormat: PipelineChoice {}
extension InvalidUTF8Policy: PipelineChoice {}
extension Normalization: PipelineChoice {}
extension OverLengthPolicy: PipelineChoice {}
extension PaddingSide: PipelineChoice {}
extension BucketMode: PipelineChoice {}
extension EmbeddingFormat: PipelineChoice {}
extension OOVPolicy: PipelineChoice {}
extension WordsSource: PipelineChoice {}
extension OptimizerKind: PipelineChoice {}
extension KLScheduleKind: PipelineChoice {}
extension LearningRateDecay.Shape: PipelineChoice {}

extension TokenizationLevel: PipelineChoice {
    /// Sentences are not a training tokenizer (`tokenizer.sentences` splits records into them).
    static var pipelineNames: [String] { ["word", "character", "whitespace", "keras"] }
}
