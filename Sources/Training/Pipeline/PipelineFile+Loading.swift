import Foundation
import Yams

extension PipelineFile {
    /// Reads and checks a pipeline file. Relative corpus, vocabulary, vector and output paths in it
    /// are relative to the file's directory, so a pipeline runs the same from any working directory.
    public static func load(from path: String) throws -> PipelineFile {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PipelineError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        var file = try parse(text, file: path)
        file.resolvePaths(relativeTo: url.deletingLastPathComponent())
        return file
    }

    /// Parses pipeline YAML (paths left as written).
    public static func parse(_ text: String, file: String = "<pipeline>") throws -> PipelineFile {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw PipelineError.invalidYAML(file: file, reason: "\(error)")
        }
        guard let node, node.mapping != nil else {
            throw PipelineError.invalidYAML(
                file: file, reason: "the top level must be a mapping of sections (data:, model:, training:, …).")
        }
        try checkKeys(node, path: "", file: file)
        do {
            return try YAMLDecoder().decode(PipelineFile.self, from: text)
        } catch let error as DecodingError {
            throw describe(error, file: file)
        }
    }

    /// Allowed keys per mapping, from the sections' coding keys.
    static let schema: [String: [String]] = [
        "": PipelineFile.CodingKeys.allCases.map(\.rawValue),
        "data": DataSection.CodingKeys.allCases.map(\.rawValue),
        "data.words": WordsSection.CodingKeys.allCases.map(\.rawValue),
        "tokenizer": TokenizerSection.CodingKeys.allCases.map(\.rawValue),
        "vocabulary": VocabularySection.CodingKeys.allCases.map(\.rawValue),
        "batching": BatchingSection.CodingKeys.allCases.map(\.rawValue),
        "embeddings": EmbeddingsSection.CodingKeys.allCases.map(\.rawValue),
        "model": ModelSection.CodingKeys.allCases.map(\.rawValue),
        "model.encoder": ModelSection.EncoderSection.CodingKeys.allCases.map(\.rawValue),
        "model.decoder": ModelSection.DecoderSection.CodingKeys.allCases.map(\.rawValue),
        "training": TrainingSection.CodingKeys.allCases.map(\.rawValue),
        "training.aggressive_inference": TrainingSection.AggressiveInferenceSection.CodingKeys.allCases.map(\.rawValue),
        "training.optimizer": TrainingSection.OptimizerSection.CodingKeys.allCases.map(\.rawValue),
        "training.optimizer.decay": TrainingSection.DecaySection.CodingKeys.allCases.map(\.rawValue),
        "training.pretrain": TrainingSection.PretrainSection.CodingKeys.allCases.map(\.rawValue),
        "training.weight_average": TrainingSection.WeightAverageSection.CodingKeys.allCases.map(\.rawValue),
        "training.kl_annealing": TrainingSection.KLAnnealingSection.CodingKeys.allCases.map(\.rawValue)
    ]

    private static func checkKeys(_ node: Node, path: String, file: String) throws {
        if let sequence = node.sequence {
            for (index, item) in sequence.enumerated() { try checkKeys(item, path: "\(path)[\(index)]", file: file) }
            return
        }
        guard let mapping = node.mapping else { return }
        // YAML decoding keeps the last of two equal keys, so a setting written twice would be
        // silently half-ignored: refuse it, naming both lines.
        var seen: [String: Int?] = [:]
        for (key, _) in mapping {
            let name = key.string ?? "\(key)"
            if let first = seen[name] {
                throw PipelineError.duplicateKey(
                    file: file, key: path.isEmpty ? name : "\(path).\(name)", firstLine: first,
                    secondLine: key.mark?.line)
            }
            seen[name] = key.mark?.line
        }
        guard let allowed = schema[path] else {
            for (key, value) in mapping { try checkKeys(value, path: "\(path).\(key.string ?? "\(key)")", file: file) }
            return
        }
        for (key, value) in mapping {
            let name = key.string ?? "\(key)"
            let full = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                throw PipelineError.unknownKey(file: file, key: full, allowed: allowed)
            }
            try checkKeys(value, path: full, file: file)
        }
    }

    private static func describe(_ error: DecodingError, file: String) -> PipelineError {
        func keyPath(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .invalidValue(file: file, key: keyPath(context.codingPath), reason: "must be \(typeName(type))")
        case .valueNotFound(let type, let context):
            return .invalidValue(
                file: file, key: keyPath(context.codingPath), reason: "must be \(typeName(type)), not empty")
        case .keyNotFound(let key, let context):
            return .missing(file: file, key: keyPath(context.codingPath + [key]), reason: "this section needs it")
        case .dataCorrupted(let context) where context.underlyingError is InvalidPipelineChoice:
            return .invalidValue(file: file, key: keyPath(context.codingPath), reason: context.debugDescription)
        case .dataCorrupted(let context):
            return .invalidValue(
                file: file, key: keyPath(context.codingPath), reason: "is not valid: \(context.debugDescription)")
        @unknown default:
            return .invalidYAML(file: file, reason: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "a whole number"
        case is Float.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        case is [String].Type: return "a list of text values"
        case is [Int].Type: return "a list of whole numbers"
        default: return "a \(type)"
        }
    }

    mutating func resolvePaths(relativeTo directory: URL) {
        func resolve(_ path: String) -> String {
            if path == "-" || path.hasPrefix("/") { return path }
            return directory.appendingPathComponent(path).standardizedFileURL.path
        }
        data.inputs = data.inputs?.map(resolve)
        data.validation = data.validation?.map(resolve)
        data.shards = data.shards.map(resolve)
        if let file = vocabulary?.file { vocabulary?.file = resolve(file) }
        if let vectors = embeddings?.vectors { embeddings?.vectors = resolve(vectors) }
        output = output.map(resolve)
    }
}
