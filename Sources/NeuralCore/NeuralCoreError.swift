import Foundation

/// Errors reported by NeuralCore, each with a full-sentence description.
public enum NeuralCoreError: Error, LocalizedError, Equatable {
    /// Training produced a NaN or infinity.
    case nonFinite(quantity: String, step: Int)
    /// A file is not a valid safetensors file.
    case malformedFile(path: String, reason: String)
    /// A tensor in a file has a data type NeuralCore cannot read.
    case unsupportedDataType(name: String, dtype: String, path: String)
    /// Expected tensors are absent from a file.
    case missingTensors(names: [String], path: String)
    /// A file holds tensors the model does not have.
    case unexpectedTensors(names: [String], path: String)
    /// A tensor's shape in a file differs from the model's.
    case shapeMismatch(name: String, expected: [Int], found: [Int], path: String)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)
    /// A tensor's bytes differ from the checksum written with them: the file was damaged.
    case checksumMismatch(name: String, path: String)
    /// A tensor in a file holds NaN or infinity, which no usable weights or optimiser state do.
    case nonFiniteTensor(name: String, index: Int, path: String)

    public var errorDescription: String? {
        switch self {
        case let .nonFinite(quantity, step):
            return "The \(quantity) became NaN or infinite at step \(step); training stopped."
        case let .malformedFile(path, reason):
            return "The file \(path) is not a valid safetensors file: \(reason)."
        case let .unsupportedDataType(name, dtype, path):
            return "The tensor \"\(name)\" in \(path) has data type \(dtype), but only F32 is supported."
        case let .missingTensors(names, path):
            return
                "The file \(path) lacks \(names.count) expected tensor\(names.count == 1 ? "" : "s"): "
                    + "\(names.joined(separator: ", "))."
        case let .unexpectedTensors(names, path):
            return
                "The file \(path) holds \(names.count) tensor\(names.count == 1 ? "" : "s") the model does not have: "
                    + "\(names.joined(separator: ", "))."
        case let .shapeMismatch(name, expected, found, path):
            return "The tensor \"\(name)\" in \(path) has shape \(found), but the model expects \(expected)."
        case let .io(path, reason):
            return "Could not access \(path): \(reason)."
        case let .checksumMismatch(name, path):
            return
                "The tensor \"\(name)\" in \(path) does not match the checksum written with it: the file was damaged "
                    + "or changed after it was saved. Use another checkpoint."
        case let .nonFiniteTensor(name, index, path):
            return
                "The tensor \"\(name)\" in \(path) holds NaN or infinity (element \(index)): these weights are "
                    + "unusable. Use another checkpoint."
        }
    }
}
