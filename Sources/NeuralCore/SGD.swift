import Foundation
import Support

/// Stochastic gradient descent with optional (heavy-ball, PyTorch-style) momentum:
/// b ← μ b + g; x ← x − lr · b.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public private(set) var step: Int = 0
    public private(set) var buffers: [String: Tensor] = [:]

    /// Forgets the momentum of the parameters named.
    public mutating func resetState(for names: Set<String>) {
        for name in names { buffers[name] = nil }
    }

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func update(_ parameters: [NamedParameter], regions: some GradientRegions) {
        step += 1
        let (lr, mu) = (learningRate, momentum)
        for np in parameters where np.parameter.isTrainable {
            let p = np.parameter
            let x = p.value.data
            if mu == 0 {
                regions.forEachRegion(of: p) { start, n, g in for i in 0..<n { x[start + i] -= lr * g[i] } }
                continue
            }
            if buffers[np.name] == nil { buffers[np.name] = Tensor(zeros: p.value.shape) }
            let buffer = buffers[np.name]!
            precondition(
                buffer.count == p.value.count,
                "SGD momentum for \(np.name) has shape \(buffer.shape), the parameter \(p.value.shape).")
            let b = buffer.data
            regions.forEachRegion(of: p) { start, n, g in
                for i in 0..<n { b[start + i] = mu * b[start + i] + g[i]; x[start + i] -= lr * b[start + i] }
            }
        }
    }

    public func elementState(of name: String) -> [Tensor] { buffers[name].map { [$0] } ?? [] }

    public func stateTensors() -> (tensors: [String: Tensor], metadata: [String: String]) {
        var t: [String: Tensor] = [:]
        for (name, b) in buffers { t["sgd.momentum." + name] = b }
        return (t, ["optimizer": "sgd", "step": String(step)])
    }

    public mutating func loadState(tensors: [String: Tensor], metadata: [String: String]) throws {
        guard metadata["optimizer"] == "sgd", let s = metadata["step"].flatMap(Int.init) else {
            throw NeuralCoreError.malformedFile(
                path: "optimizer state", reason: "the metadata does not describe SGD state with a step count")
        }
        var loaded: [String: Tensor] = [:]
        for (key, b) in tensors where key.hasPrefix("sgd.momentum.") {
            loaded[String(key.dropFirst("sgd.momentum.".count))] = b
        }
        buffers = loaded
        step = s
    }
}
