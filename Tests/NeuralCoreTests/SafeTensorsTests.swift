import Foundation
import Support
import Testing

@testable import NeuralCore

@Suite struct SafeTensorsTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neuralcore-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func roundTripWithMetadataAndLayout() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let a = Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [1], [-0.5]), empty = Tensor(zeros: [0, 4])
        try SafeTensors.write(
            ["z.b": b, "a\"quoted": a, "empty": empty], metadata: ["step": "12", "note": "x"], to: url)
        let bytes = try Data(contentsOf: url)
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        #expect(n % 8 == 0)
        #expect(bytes.count == 8 + n + 7 * 4)
        // No temporary files are left beside the checkpoint.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])
        let (t, meta) = try SafeTensors.read(from: url)
        #expect(meta == ["step": "12", "note": "x"])
        #expect(t["a\"quoted"]!.shape == [2, 3] && t["a\"quoted"]!.scalars == a.scalars)
        #expect(t["z.b"]!.scalars == [-0.5])
        #expect(t["empty"]!.shape == [0, 4])
        // Names are sorted in the file, so data follows name order.
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.range(of: "a\\\"quoted")!.lowerBound < header.range(of: "z.b")!.lowerBound)
    }

    @Test func parametersLoadWithChecks() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ckpt.safetensors")
        var rng = RandomGenerator(seed: 1)
        let net = LSTM(inputSize: 3, hiddenSize: 2, rng: &rng)
        let head = Linear(2, 5, rng: &rng)
        let params = net.parameters(prefix: "encoder.lstm") + head.parameters(prefix: "out")
        try SafeTensors.save(params, metadata: ["epoch": "3"], to: url)

        var rng2 = RandomGenerator(seed: 2)
        let net2 = LSTM(inputSize: 3, hiddenSize: 2, rng: &rng2)
        let head2 = Linear(2, 5, rng: &rng2)
        let params2 = net2.parameters(prefix: "encoder.lstm") + head2.parameters(prefix: "out")
        #expect(try SafeTensors.load(into: params2, from: url) == ["epoch": "3"])
        for (p, q) in zip(params, params2) { #expect(p.parameter.value.scalars == q.parameter.value.scalars) }

        // Shape mismatch, missing and unexpected tensors give full-sentence errors; nothing is modified.
        let head3 = Linear(2, 6, rng: &rng2)
        let before = head3.weight.value.scalars
        #expect(
            throws: NeuralCoreError.shapeMismatch(name: "out.weight", expected: [6, 2], found: [5, 2], path: url.path)
        ) {
            try SafeTensors.load(into: head3.parameters(prefix: "out"), from: url, allowUnexpected: true)
        }
        #expect(head3.weight.value.scalars == before)
        do {
            try SafeTensors.load(into: head3.parameters(prefix: "out"), from: url)
            Issue.record("expected an error")
        } catch let e as NeuralCoreError {
            #expect(
                e.localizedDescription.hasPrefix(
                    "The file \(url.path) holds 4 tensors the model does not have: encoder.lstm.bias_hh_l0"))
        }
        #expect(throws: NeuralCoreError.missingTensors(names: ["dec.weight"], path: url.path)) {
            try SafeTensors.load(
                into: [NamedParameter("dec.weight", Parameter(Tensor(zeros: [1])))], from: url, allowUnexpected: true)
        }
    }

    @Test func corruptFilesAreRejected() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func file(_ bytes: [UInt8]) throws -> URL {
            let u = dir.appendingPathComponent(UUID().uuidString)
            try Data(bytes).write(to: u)
            return u
        }
        func withHeader(_ json: String, dataBytes: Int) -> [UInt8] {
            let h = Array(json.utf8)
            return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h
                + [UInt8](repeating: 0, count: dataBytes)
        }
        func reason(_ u: URL) -> String? {
            do { _ = try SafeTensors.read(from: u); return nil } catch {
                return (error as? LocalizedError)?.errorDescription
            }
        }
        #expect(reason(try file([1, 2, 3]))?.contains("shorter than the 8-byte header length") == true)
        #expect(reason(try file([255, 0, 0, 0, 0, 0, 0, 0, 32]))?.contains("exceeds the file size") == true)
        #expect(reason(try file(withHeader("not json", dataBytes: 0)))?.contains("not a JSON object") == true)
        let f16 = try file(withHeader(#"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4))
        #expect(throws: NeuralCoreError.unsupportedDataType(name: "w", dtype: "F16", path: f16.path)) {
            try SafeTensors.read(from: f16)
        }
        #expect(
            reason(try file(withHeader(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8)))?
                .contains("do not fit its shape") == true)
        #expect(
            reason(try file(withHeader(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 4)))?
                .contains("do not fit") == true)
        #expect(reason(try file(withHeader(#"{"w":{"shape":[2]}}"#, dataBytes: 0)))?.contains("lacks a dtype") == true)
        // A shape whose element count overflows is an error, not an arithmetic trap.
        #expect(
            reason(
                try file(
                    withHeader(
                        #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,
                        dataBytes: 0)))?.contains("too large to exist") == true)
        let missing = dir.appendingPathComponent("absent.safetensors")
        #expect(reason(missing)?.hasPrefix("Could not access \(missing.path)") == true)
    }

    @Test func optimizerStateFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("optimizer.safetensors")
        let p = Parameter(Tensor(shape: [2], [1, 2]))
        p.gradient.fill(0.5)
        var adam = Adam()
        adam.update([NamedParameter("encoder.lstm.weight_ih_l0", p)])
        try SafeTensors.saveOptimizer(adam, to: url)
        let (t, meta) = try SafeTensors.read(from: url)
        #expect(Set(t.keys) == ["adam.m.encoder.lstm.weight_ih_l0", "adam.v.encoder.lstm.weight_ih_l0"])
        #expect(meta["step"] == "1" && meta["optimizer"] == "adam")
        var restored = Adam()
        try SafeTensors.loadOptimizer(&restored, from: url)
        #expect(restored.step == 1)
        #expect(
            restored.moments["encoder.lstm.weight_ih_l0"]!.m.scalars
                == adam.moments["encoder.lstm.weight_ih_l0"]!.m.scalars)
        // Checked against the model's parameters: matching names and shapes load, others fail.
        var checked = Adam()
        try SafeTensors.loadOptimizer(&checked, from: url, parameters: [NamedParameter("encoder.lstm.weight_ih_l0", p)])
        #expect(checked.step == 1)
        #expect(
            throws: NeuralCoreError.shapeMismatch(
                name: "adam.m.encoder.lstm.weight_ih_l0", expected: [3], found: [2], path: url.path)
        ) {
            try SafeTensors.loadOptimizer(
                &checked, from: url,
                parameters: [NamedParameter("encoder.lstm.weight_ih_l0", Parameter(Tensor(zeros: [3])))])
        }
        #expect(
            throws: NeuralCoreError.unexpectedTensors(
                names: ["adam.m.encoder.lstm.weight_ih_l0", "adam.v.encoder.lstm.weight_ih_l0"], path: url.path)
        ) {
            try SafeTensors.loadOptimizer(&checked, from: url, parameters: [NamedParameter("decoder.w", p)])
        }
        var sgd = SGD(learningRate: 1)
        #expect(throws: NeuralCoreError.self) { try SafeTensors.loadOptimizer(&sgd, from: url) }
    }

    /// Python parses the file independently of NeuralCore: by hand with numpy, and with the
    /// `safetensors` package when it is installed.
    @Test func pythonReadsTheFile() throws {
        // Every python3 on PATH (e.g. a pyenv shim), then the system one; the first with numpy is used.
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var pythons: [String] = []
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate), !pythons.contains(candidate) {
                pythons.append(candidate)
            }
        }
        if pythons.isEmpty {
            print("SKIPPED pythonReadsTheFile: no python3 on PATH or in /usr/bin")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("py.safetensors")
        try SafeTensors.write(
            ["encoder.w": Tensor(shape: [2, 2], [1, 2.5, -3, 4]), "b": Tensor(shape: [3], [7, 8, 9])],
            metadata: ["step": "5"], to: url)
        let script = """
            import json, struct, sys, zlib
            try:
                import numpy as np
            except ImportError:
                print("NO_NUMPY"); sys.exit(0)
            raw = open(sys.argv[1], "rb").read()
            n = struct.unpack("<Q", raw[:8])[0]
            assert n % 8 == 0
            header = json.loads(raw[8:8 + n])
            out = {}
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                b, e = info["data_offsets"]
                out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<f4").reshape(info["shape"]).tolist()
                # Each tensor's checksum is zlib's CRC-32 of its bytes.
                assert header["__metadata__"].pop("crc32." + name) == "%08x" % zlib.crc32(raw[8 + n + b:8 + n + e])
            try:  # the reference implementation too, where installed
                from safetensors.numpy import load_file
                ref = load_file(sys.argv[1])
                assert sorted(ref) == sorted(out) and all(ref[k].tolist() == out[k] for k in out)
            except ImportError:
                pass
            print(json.dumps({"tensors": out, "meta": header["__metadata__"]}, sort_keys=True))
            """
        for python in pythons {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", script, url.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0, !output.hasPrefix("NO_NUMPY") else { continue }
            #expect(
                output.trimmingCharacters(in: .whitespacesAndNewlines)
                    == #"{"meta": {"step": "5"}, "tensors": {"b": [7.0, 8.0, 9.0], "#
                    + #""encoder.w": [[1.0, 2.5], [-3.0, 4.0]]}}"#
            )
            return
        }
        print("SKIPPED pythonReadsTheFile: none of \(pythons) could import numpy")
    }

    /// A file as vae-pipeline wrote them before checksums: header, then little-endian floats.
    func writeLegacy(_ tensors: [(String, [Int], [Float])], to url: URL) throws {
        var offset = 0
        var entries: [String] = ["\"__metadata__\":{\"step\":\"1\"}"]
        for (name, shape, values) in tensors {
            let end = offset + values.count * 4
            entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(end)]}")
            offset += values.count * 4
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, _, values) in tensors {
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        try data.write(to: url)
    }

    @Test func flippedBytesAreCaughtByTheChecksumNamingFileAndTensor() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try SafeTensors.write(
            ["a": Tensor(shape: [2], [1, 2]), "b": Tensor(shape: [3], [3, 4, 5])], metadata: ["step": "4"], to: url)
        let contents = try SafeTensors.contents(of: url)
        #expect(contents.verified && contents.metadata == ["step": "4"])
        var bytes = try Data(contentsOf: url)
        // Flip one bit of b's second value (a finite float stays finite): only the checksum sees it.
        bytes[bytes.count - 8] ^= 0x01
        try bytes.write(to: url)
        #expect(throws: NeuralCoreError.checksumMismatch(name: "b", path: url.path)) { try SafeTensors.read(from: url) }
        let message = NeuralCoreError.checksumMismatch(name: "b", path: url.path).errorDescription!
        #expect(message.contains(url.path) && message.contains("\"b\""))
    }

    @Test func nonFiniteWeightsAreRefusedEvenWithAValidChecksum() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try SafeTensors.write(["w": Tensor(shape: [3], [1, .nan, 2])], to: url)
        #expect(throws: NeuralCoreError.nonFiniteTensor(name: "w", index: 1, path: url.path)) {
            try SafeTensors.read(from: url)
        }
        try SafeTensors.write(["w": Tensor(shape: [2], [-.infinity, 2])], to: url)
        #expect(throws: NeuralCoreError.nonFiniteTensor(name: "w", index: 0, path: url.path)) {
            try SafeTensors.read(from: url)
        }
    }

    @Test func filesWithoutChecksumsStillLoadButAreReportedUnverified() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("old.safetensors")
        try writeLegacy([("w", [2], [0.5, -1])], to: url)
        let parameter = Parameter(Tensor(zeros: [2]))
        let loaded = try SafeTensors.loadVerifying(into: [NamedParameter("w", parameter)], from: url)
        #expect(!loaded.verified && loaded.metadata == ["step": "1"])
        #expect(parameter.value.scalars == [0.5, -1])
        // Finite values are still required of them.
        try writeLegacy([("w", [2], [0.5, .nan])], to: url)
        #expect(throws: NeuralCoreError.nonFiniteTensor(name: "w", index: 1, path: url.path)) {
            try SafeTensors.read(from: url)
        }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        let bytes = Array("123456789".utf8)
        #expect(bytes.withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var bitwise: UInt32 = 0xFFFF_FFFF
        for byte in long {
            bitwise ^= UInt32(byte)
            for _ in 0..<8 { bitwise = bitwise & 1 != 0 ? 0xEDB8_8320 ^ (bitwise >> 1) : bitwise >> 1 }
        }
        #expect(long.withUnsafeBytes { CRC32.checksum($0) } == bitwise ^ 0xFFFF_FFFF)
    }
}
