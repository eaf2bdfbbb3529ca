import Foundation
import NeuralCore

/// The optimiser a run uses, as one concrete type so it can be saved and restored in place.
public enum TrainingOptimizer {
    case adam(Adam)
    case sgd(SGD)

    public init(_ settings: ResolvedPipeline.TrainingSettings) {
        switch settings.optimizer {
        case .adam: self = .adam(Adam(learningRate: settings.learningRate, weightDecay: settings.weightDecay))
        case .sgd: self = .sgd(SGD(learningRate: settings.learningRate, momentum: settings.momentum))
        }
    }

    /// The rate of the next update (a decaying schedule sets it before each step).
    public var learningRate: Float {
        get {
            switch self {
            case .adam(let adam): adam.learningRate
            case .sgd(let sgd): sgd.learningRate
            }
        }
        set {
            switch self {
            case .adam(var adam): adam.learningRate = newValue; self = .adam(adam)
            case .sgd(var sgd): sgd.learningRate = newValue; self = .sgd(sgd)
            }
        }
    }

    public mutating func update(_ parameters: [NamedParameter]) { update(parameters, regions: WholeGradients()) }

    /// Updates the elements of `parameters` that `regions` gives (see `Optimizer.update(_:regions:)`).
    public mutating func update(_ parameters: [NamedParameter], regions: some GradientRegions) {
        switch self {
        case .adam(var adam): adam.update(parameters, regions: regions); self = .adam(adam)
        case .sgd(var sgd): sgd.update(parameters, regions: regions); self = .sgd(sgd)
        }
    }

    /// The live per-element state of the parameter named (`Optimizer.elementState(of:)`).
    public func elementState(of name: String) -> [Tensor] {
        switch self {
        case .adam(let adam): adam.elementState(of: name)
        case .sgd(let sgd): sgd.elementState(of: name)
        }
    }

    /// Forgets the state of the parameters named (re-initialised weights start afresh).
    public mutating func resetState(for names: Set<String>) {
        switch self {
        case .adam(var adam): adam.resetState(for: names); self = .adam(adam)
        case .sgd(var sgd): sgd.resetState(for: names); self = .sgd(sgd)
        }
    }

    public func save(to url: URL) throws {
        switch self {
        case .adam(let adam): try SafeTensors.saveOptimizer(adam, to: url)
        case .sgd(let sgd): try SafeTensors.saveOptimizer(sgd, to: url)
        }
    }

    public mutating func load(from url: URL, parameters: [NamedParameter]) throws {
        switch self {
        case .adam(var adam):
            try SafeTensors.loadOptimizer(&adam, from: url, parameters: parameters); self = .adam(adam)
        case .sgd(var sgd): try SafeTensors.loadOptimizer(&sgd, from: url, parameters: parameters); self = .sgd(sgd)
        }
    }
}
