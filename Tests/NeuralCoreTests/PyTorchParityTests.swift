import Foundation
import Support
import Testing

@testable import NeuralCore

/// Cross-checks LSTM/GRU stacks (2 layers, bidirectional, padded batch, initial states) against
/// PyTorch's `nn.LSTM` / `nn.GRU` with `pack_padded_sequence`, loading NeuralCore's weights 1:1
/// by name. Skipped (with a printed reason) when no python3 with torch is available.
@Suite struct PyTorchParityTests {
    static let script = #"""
        import json, struct, sys
        import numpy as np
        try:
            import torch
        except ImportError:
            print("NO_TORCH"); sys.exit(0)
        def load(path):
            raw = open(path, "rb").read()
            n = struct.unpack("<Q", raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            out = {}
            for name, info in header.items():
                if name == "__metadata__": continue
                b, e = info["data_offsets"]
                out[name] = torch.tensor(
                    np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<f4").reshape(info["shape"]).copy())
            return out, header.get("__metadata__", {})
        def compare(path):
          t, meta = load(path)
          kind = meta["kind"]
          I, H = int(meta["input"]), int(meta["hidden"])
          cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
          net = cls(I, H, num_layers=2, bidirectional=True, batch_first=True)
          params = {k[len("param."):]: v for k, v in t.items() if k.startswith("param.")}
          net.load_state_dict(params, strict=True)
          x = t["x"].clone().requires_grad_(True)
          lengths = [int(v) for v in meta["lengths"].split(",")]
          h0 = t["h0"].clone().requires_grad_(True)   # [L*D, B, H]
          packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
          if kind == "lstm":
              c0 = t["c0"].clone().requires_grad_(True)
              out, (hn, cn) = net(packed, (h0, c0))
          else:
              out, hn = net(packed, h0)
          out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
          loss = (out * t["R"]).sum() + (hn * t["Rh"]).sum()
          if kind == "lstm": loss = loss + (cn * t["Rc"]).sum()
          loss.backward()
          diffs = {"output": (out - t["output"]).abs().max().item(), "hn": (hn - t["hn"]).abs().max().item(),
                   "dx": (x.grad - t["dx"]).abs().max().item(), "dh0": (h0.grad - t["dh0"]).abs().max().item()}
          if kind == "lstm":
              diffs["cn"] = (cn - t["cn"]).abs().max().item()
              diffs["dc0"] = (c0.grad - t["dc0"]).abs().max().item()
          for name, p in net.named_parameters():
              diffs["grad." + name] = (p.grad - t["grad." + name]).abs().max().item()
          print(json.dumps(diffs))
        for path in sys.argv[1:]:
            compare(path)
        """#

    func pythonsOnPath() -> [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var out: [String] = []
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin"] {
            let c = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: c), !out.contains(c) { out.append(c) }
        }
        return out
    }

    func stack(_ states: [Tensor]) -> Tensor {
        // [L·D] tensors of [B, H] → [L·D, B, H]
        let out = Tensor(zeros: [states.count] + states[0].shape)
        for (k, s) in states.enumerated() { (out.data + k * s.count).update(from: s.data, count: s.count) }
        return out
    }

    func unstack(_ t: Tensor) -> [Tensor] {
        (0..<t.shape[0]).map { t.rows($0..<($0 + 1)).copy().reshaped(Array(t.shape.dropFirst())) }
    }

    /// Runs a 2-layer bidirectional stack forward and backward and writes weights, inputs,
    /// outputs and gradients to a safetensors file for the Python side.
    func writeCase<L: RecurrentLayer>(_ type: L.Type, kind: String, in dir: URL) throws -> URL {
        var rng = RandomGenerator(seed: 101)
        let (B, T, I, H) = (3, 5, 3, 4)
        let net = StackedRecurrent<L>(inputSize: I, hiddenSize: H, layers: 2, bidirectional: true, rng: &rng)
        let x = Tensor.normal([B, T, I], rng: &rng)
        let lengths = [5, 2, 4]
        let lstm = kind == "lstm"
        let h0 = (0..<4).map { _ in Tensor.normal([B, H], std: 0.5, rng: &rng) }
        let c0 = (0..<4).map { _ in Tensor.normal([B, H], std: 0.5, rng: &rng) }
        let R = Tensor.normal([B, T, 2 * H], rng: &rng)
        let Rh = Tensor.normal([4, B, H], rng: &rng), Rc = Tensor.normal([4, B, H], rng: &rng)
        let initial = (0..<4).map { RNNState(h: h0[$0], c: lstm ? c0[$0] : nil) }
        let r = net.forward(x, lengths: lengths, initialStates: initial)
        net.zeroGradients()
        let rh = unstack(Rh), rc = unstack(Rc)
        let g = net.backward(
            r.cache, gradOutput: R,
            gradFinalStates: (0..<4).map { RNNState(h: rh[$0], c: lstm ? rc[$0] : nil) })
        var tensors: [String: Tensor] = [
            "x": x, "R": R, "Rh": Rh, "output": r.output, "dx": g.gradInput,
            "h0": stack(h0), "hn": stack(r.finalStates.map(\.h)),
            "dh0": stack(g.gradInitialStates.map(\.h))
        ]
        if lstm {
            tensors["c0"] = stack(c0); tensors["Rc"] = Rc
            tensors["cn"] = stack(r.finalStates.map { $0.c! });
            tensors["dc0"] = stack(g.gradInitialStates.map { $0.c! })
        }
        for p in net.namedParameters {
            tensors["param." + p.name] = p.parameter.value
            tensors["grad." + p.name] = p.parameter.gradient
        }
        let url = dir.appendingPathComponent("\(kind).safetensors")
        try SafeTensors.write(
            tensors,
            metadata: [
                "kind": kind, "input": "\(I)", "hidden": "\(H)",
                "lengths": lengths.map(String.init).joined(separator: ",")
            ], to: url)
        return url
    }

    @Test func lstmAndGRUMatchPyTorch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nc-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = [
            try writeCase(LSTMLayer.self, kind: "lstm", in: dir), try writeCase(GRULayer.self, kind: "gru", in: dir)
        ]
        let pythons = pythonsOnPath()
        for python in pythons {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", Self.script] + files.map(\.path)
            let pipe = Pipe(), errors = Pipe()
            process.standardOutput = pipe
            process.standardError = errors
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            if output.hasPrefix("NO_TORCH") || stderr.contains("No module named 'numpy'") { continue }
            #expect(process.terminationStatus == 0, "python failed: \(stderr.suffix(2000))")
            let lines = output.split(separator: "\n")
            #expect(lines.count == 2, "unexpected python output: \(output) \(stderr.suffix(2000))")
            for (kind, line) in zip(["lstm", "gru"], lines) {
                guard let diffs = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double] else {
                    Issue.record("unreadable python output: \(line)")
                    continue
                }
                #expect(diffs.count == (kind == "lstm" ? 22 : 20))
                for (name, d) in diffs.sorted(by: { $0.key < $1.key }) {
                    #expect(d < 2e-5, "\(kind) \(name): max |Δ| = \(d)")
                }
                print("PyTorch parity (\(kind)): worst |Δ| = \(diffs.values.max()!) over \(diffs.count) tensors")
            }
            return
        }
        print("SKIPPED PyTorch parity: no python3 with numpy and torch among \(pythons)")
    }
}
