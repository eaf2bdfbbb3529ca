import Foundation
import Support

/// Reading and writing the safetensors format (https://huggingface.co/docs/safetensors).
///
/// Layout: an 8-byte little-endian header length n, n bytes of UTF-8 JSON
/// `{"name": {"dtype": "F32", "shape": […], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`
/// (names sorted, header padded with spaces to a multiple of 8 bytes), then the raw little-endian
/// tensor data, offsets relative to the end of the header. Only F32 is read and written.
///
/// Writes are atomic (Support's `AtomicFile`): the file is written to a temporary file in the
/// same directory, forced to disk and renamed over the destination, so a crash never leaves a
/// half-written checkpoint.
///
/// Every tensor's bytes carry a CRC-32 in the metadata (`crc32.<name>`: 8 hex digits), which
/// reading verifies, and every value read must be finite: a damaged or poisoned file is an error
/// naming it and the tensor, never weights that load. Files without checksums (written before
/// they were added) still load; ``Contents/verified`` tells callers to say they are unverified.
public enum SafeTensors {
    /// The metadata key prefix of the per-tensor checksums.
    public static let checksumPrefix = "crc32."

    static func hasChecksums(_ metadata: [String: String]) -> Bool {
        metadata.keys.contains { $0.hasPrefix(checksumPrefix) }
    }

    /// A file's tensors and metadata (checksums left out), and whether checksums were there
    /// (and so verified) — false for files written before they were added.
    public struct Contents {
        public var tensors: [String: Tensor]
        public var metadata: [String: String]
        public var verified: Bool
    }

    /// Writes `tensors` (and string metadata) to `url` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let names = tensors.keys.sorted()
        var metadata = metadata.filter { !$0.key.hasPrefix(checksumPrefix) }
        for name in names {
            let t = tensors[name]!
            metadata[checksumPrefix + name] = CRC32.hex(littleEndianBytesOf: t)
        }
        var entries: [String] = []
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let end = offset + t.count * 4
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            let t = tensors[name]!
            if isLittleEndianHost {
                data.append(UnsafeBufferPointer(start: t.data, count: t.count))
            } else {
                for i in 0..<t.count {
                    withUnsafeBytes(of: t.data[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            }
        }
        try writeAtomically(data, to: url)
    }

    /// Reads every tensor and the metadata of a safetensors file (verified; see ``contents(of:)``).
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let contents = try contents(of: url)
        return (contents.tensors, contents.metadata)
    }

    /// Reads every tensor and the metadata of a safetensors file, verifying each tensor's
    /// checksum when the file has them and that every value is finite.
    public static func contents(of url: URL) throws -> Contents {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw NeuralCoreError.io(path: path, reason: error.localizedDescription)
        }
        guard data.count >= 8 else {
            throw NeuralCoreError.malformedFile(path: path, reason: "it is shorter than the 8-byte header length")
        }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
        guard n <= UInt64(data.count - 8) else {
            throw NeuralCoreError.malformedFile(
                path: path, reason: "the header length \(n) exceeds the file size \(data.count)")
        }
        let headerEnd = 8 + Int(n)
        guard let json = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)),
            let header = json as? [String: Any]
        else {
            throw NeuralCoreError.malformedFile(path: path, reason: "the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let dict = m as? [String: Any] else {
                throw NeuralCoreError.malformedFile(path: path, reason: "__metadata__ is not an object")
            }
            for (k, v) in dict {
                guard let s = v as? String else {
                    throw NeuralCoreError.malformedFile(
                        path: path, reason: "metadata value of \"\(k)\" is not a string")
                }
                metadata[k] = s
            }
        }
        let body = data.count - headerEnd
        let checksummed = hasChecksums(metadata)
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2, (info["shape"] as? [Any])?.count == shape.count
            else {
                throw NeuralCoreError.malformedFile(
                    path: path, reason: "the entry for \"\(name)\" lacks a dtype, shape or data_offsets")
            }
            guard dtype == "F32" else {
                throw NeuralCoreError.unsupportedDataType(name: name, dtype: dtype, path: path)
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw NeuralCoreError.malformedFile(
                    path: path, reason: "the tensor \"\(name)\" has a negative dimension")
            }
            // The shape comes from the file: multiplied with overflow checks, so a huge one is an error, not a trap.
            var count = 1, overflow = false
            for d in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: d) }
            if !overflow { (_, overflow) = count.multipliedReportingOverflow(by: 4) }
            guard !overflow else {
                throw NeuralCoreError.malformedFile(
                    path: path, reason: "the tensor \"\(name)\" has shape \(shape), too large to exist")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= body, end - begin == count * 4 else {
                throw NeuralCoreError.malformedFile(
                    path: path,
                    reason:
                        "the data offsets [\(begin), \(end)] of \"\(name)\" do not fit its shape \(shape) or the "
                            + "file's \(body) data bytes"
                )
            }
            let t = Tensor(zeros: shape)
            let crc = data.withUnsafeBytes { raw in
                let src = raw.baseAddress! + headerEnd + begin
                if isLittleEndianHost {
                    UnsafeMutableRawPointer(t.data).copyMemory(from: src, byteCount: count * 4)
                } else {
                    for i in 0..<count {
                        t.data[i] = Float(
                            bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                }
                return checksummed ? CRC32.checksum(UnsafeRawBufferPointer(start: src, count: count * 4)) : 0
            }
            if checksummed {
                guard let expected = metadata[checksumPrefix + name] else {
                    throw NeuralCoreError.malformedFile(
                        path: path, reason: "the tensor \"\(name)\" has no checksum while the others have")
                }
                guard expected.lowercased() == String(format: "%08x", crc) else {
                    throw NeuralCoreError.checksumMismatch(name: name, path: path)
                }
            }
            if let index = firstNonFinite(t) {
                throw NeuralCoreError.nonFiniteTensor(name: name, index: index, path: path)
            }
            tensors[name] = t
        }
        if checksummed {
            for key in metadata.keys
            where key.hasPrefix(checksumPrefix) && tensors[String(key.dropFirst(checksumPrefix.count))] == nil {
                throw NeuralCoreError.malformedFile(
                    path: path, reason: "the checksum \"\(key)\" names a tensor the file does not hold")
            }
        }
        return Contents(
            tensors: tensors, metadata: metadata.filter { !$0.key.hasPrefix(checksumPrefix) }, verified: checksummed)
    }

    /// Saves parameter values under their names.
    public static func save(_ parameters: [NamedParameter], metadata: [String: String] = [:], to url: URL) throws {
        var d: [String: Tensor] = [:]
        for p in parameters { d[p.name] = p.parameter.value }
        try write(d, metadata: metadata, to: url)
    }

    /// Loads parameter values from `url`, checking that names and shapes match exactly (every
    /// parameter present, no extra tensors unless `allowUnexpected`). Nothing is modified if any
    /// check fails. Returns the file's metadata.
    @discardableResult
    public static func load(into parameters: [NamedParameter], from url: URL, allowUnexpected: Bool = false) throws
        -> [String: String]
    {
        try loadVerifying(into: parameters, from: url, allowUnexpected: allowUnexpected).metadata
    }

    /// `load(into:from:allowUnexpected:)`, also telling whether the file carried checksums
    /// (false: it loaded, finite, but could not be verified).
    public static func loadVerifying(into parameters: [NamedParameter], from url: URL, allowUnexpected: Bool = false)
        throws
        -> (metadata: [String: String], verified: Bool)
    {
        let contents = try contents(of: url)
        let (tensors, metadata) = (contents.tensors, contents.metadata)
        let path = url.path
        let missing = parameters.map(\.name).filter { tensors[$0] == nil }.sorted()
        if !missing.isEmpty { throw NeuralCoreError.missingTensors(names: missing, path: path) }
        if !allowUnexpected {
            let known = Set(parameters.map(\.name))
            let extra = tensors.keys.filter { !known.contains($0) }.sorted()
            if !extra.isEmpty { throw NeuralCoreError.unexpectedTensors(names: extra, path: path) }
        }
        for p in parameters where tensors[p.name]!.shape != p.parameter.value.shape {
            throw NeuralCoreError.shapeMismatch(
                name: p.name, expected: p.parameter.value.shape, found: tensors[p.name]!.shape, path: path)
        }
        for p in parameters { p.parameter.value.assign(tensors[p.name]!) }
        return (metadata, contents.verified)
    }

    /// Saves an optimiser's state (`adam.m.<name>`, … with the step count in the metadata).
    public static func saveOptimizer<O: Optimizer>(_ optimizer: O, to url: URL) throws {
        let s = optimizer.stateTensors()
        try write(s.tensors, metadata: s.metadata, to: url)
    }

    /// Restores an optimiser's state saved by `saveOptimizer`. With `parameters`, every state
    /// tensor must belong to a listed parameter (by the name after the `adam.m.`-style prefix) and
    /// have its shape; otherwise a `NeuralCoreError` names the offending tensor.
    public static func loadOptimizer<O: Optimizer>(
        _ optimizer: inout O, from url: URL, parameters: [NamedParameter]? = nil
    ) throws {
        let s = try read(from: url)
        if let parameters {
            var shapes: [String: [Int]] = [:]
            for p in parameters { shapes[p.name] = p.parameter.value.shape }
            var unexpected: [String] = []
            for (key, t) in s.tensors.sorted(by: { $0.key < $1.key }) {
                // State names are "<optimizer>.<slot>.<parameter name>".
                let parts = key.split(separator: ".", maxSplits: 2)
                guard parts.count == 3, let shape = shapes[String(parts[2])] else { unexpected.append(key); continue }
                if shape != t.shape {
                    throw NeuralCoreError.shapeMismatch(name: key, expected: shape, found: t.shape, path: url.path)
                }
            }
            if !unexpected.isEmpty { throw NeuralCoreError.unexpectedTensors(names: unexpected, path: url.path) }
        }
        do { try optimizer.loadState(tensors: s.tensors, metadata: s.metadata) } catch let e as NeuralCoreError {
            switch e {
            case let .malformedFile(_, reason): throw NeuralCoreError.malformedFile(path: url.path, reason: reason)
            case let .missingTensors(names, _): throw NeuralCoreError.missingTensors(names: names, path: url.path)
            default: throw e
            }
        }
    }

    private static let isLittleEndianHost = UInt16(1).littleEndian == 1

    /// The index of the first NaN or infinity in `t`, if any (x·0 is 0 for finite x and NaN
    /// otherwise, so one branch-free pass decides; elements are looked at only on failure).
    private static func firstNonFinite(_ t: Tensor) -> Int? {
        let buffer = UnsafeBufferPointer(start: t.data, count: t.count)
        var sum: Float = 0
        for x in buffer { sum += x * 0 }
        if sum.isFinite { return nil }
        return buffer.firstIndex { !$0.isFinite }
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    private static func writeAtomically(_ data: Data, to url: URL) throws(NeuralCoreError) {
        do throws(FileSystemError) {
            try AtomicFile.write(data, to: url)
        } catch {
            throw NeuralCoreError.io(path: error.path, reason: error.reason)
        }
    }
}

extension CRC32 {
    /// The checksum of `t`'s values as written to a file (little-endian float32), in hex.
    static func hex(littleEndianBytesOf t: Tensor) -> String {
        var crc: UInt32
        if UInt16(1).littleEndian == 1 {
            crc = checksum(UnsafeRawBufferPointer(start: t.data, count: t.count * 4))
        } else {
            let bytes = (0..<t.count).map { t.data[$0].bitPattern.littleEndian }
            crc = bytes.withUnsafeBytes { checksum($0) }
        }
        return String(format: "%08x", crc)
    }
}
