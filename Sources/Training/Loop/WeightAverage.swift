import NeuralCore

/// The mean of the training weights over the steps since averaging began (`training.weight_average`):
/// the weights a run validates, saves as its model and leaves to `eval`, `sample` and the other
/// commands, while training goes on from its own weights.
///
/// Why: late in a run each step moves the weights about a minimum by its batch's noise; their
/// mean lies nearer the minimum than any one of them, and costs one pass over the weights a step.
///
/// The mean is kept in `Float`, updated as `mean += (w − mean) / n`, so a checkpoint holds it
/// exactly and a resumed run goes on with the same numbers.
final class WeightAverage {
    /// Steps averaged so far (0: the means hold nothing yet).
    private(set) var steps: Int
    /// The trainable parameters (frozen ones never change) and their means, in the same order.
    private let parameters: [NamedParameter]
    private let means: [Tensor]
    /// Whether the parameters hold the means now (so that a nested call changes nothing).
    private var exchanged = false

    /// An average of `steps` steps whose mean is what `parameters` hold now (a checkpoint's model
    /// weights, when resuming); with 0 steps their values are only placeholders.
    init(of parameters: [NamedParameter], steps: Int = 0) {
        self.parameters = parameters.filter(\.parameter.isTrainable)
        means = self.parameters.map { $0.parameter.value.copy() }
        self.steps = steps
    }

    /// Adds the parameters' current values to the mean.
    func absorb() {
        steps += 1
        let share = 1 / Float(steps)
        for (named, mean) in zip(parameters, means) {
            let weights = named.parameter.value.data
            let values = mean.data
            for index in 0..<mean.count { values[index] += (weights[index] - values[index]) * share }
        }
    }

    /// Runs `body` with the averaged weights in the parameters (the training weights when
    /// nothing is averaged yet), and puts the training weights back afterwards, also when it throws.
    func withAveragedWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard steps > 0, !exchanged else { return try body() }
        exchange()
        defer { exchange() }
        return try body()
    }

    func withAveragedWeights<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        guard steps > 0, !exchanged else { return try await body() }
        exchange()
        defer { exchange() }
        return try await body()
    }

    /// Swaps the parameters' values and the means element by element (no copy of either kept):
    /// parameters' value tensors may have moved since `init` (data-parallel training across
    /// processes moves them into its exchange buffer), so they are read each time.
    private func exchange() {
        exchanged.toggle()
        for (named, mean) in zip(parameters, means) {
            let weights = named.parameter.value.data
            let values = mean.data
            for index in 0..<mean.count { swap(&weights[index], &values[index]) }
        }
    }
}
