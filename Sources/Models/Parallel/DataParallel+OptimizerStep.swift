import NeuralCore
import Support

extension DataParallel {
    public func gradientStep(_ batch: TokenBatch, objective: ObjectiveSettings, rng: inout RandomGenerator)
        -> StepMetrics
    {
        guard let group, let exchange else { return trainStep(batch, objective: objective, rng: &rng) }
        return shardedStep(batch, objective: objective, group: group, exchange: exchange, rng: &rng)
    }

    public func clipGradients(maxNorm: Float) -> Float {
        guard let exchange else {
            let parameters = model.namedParameters
            return maxNorm > 0 ? clipGradientNorm(parameters, maxNorm: maxNorm) : gradientNorm(parameters)
        }
        if maxNorm > 0, let k = clippingScale(norm: stepNorm, maxNorm: maxNorm) { exchange.scaleShare(by: k) }
        return stepNorm
    }

    public func update(_ apply: (any GradientRegions) -> Void) {
        guard let exchange else { return apply(WholeGradients()) }
        apply(exchange)
        exchange.allgatherWeights()
    }

    public func gatherOptimizerState(_ state: (String) -> [Tensor]) { exchange?.gatherState(state) }
}
