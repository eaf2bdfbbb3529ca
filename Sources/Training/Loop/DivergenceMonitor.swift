import NeuralCore

/// Watches every step for a run that has blown up: a loss or gradient norm that is NaN,
/// infinite, or far above its recent level, or weights that jumped far from their size.
///
/// A diverged run's loss can stay finite for a long while (a learning rate of 1e6 reaches losses
/// of 1e13), so a NaN check alone lets it write checkpoints of garbage; levels are compared with
/// an exponential moving average instead. The loss is judged from the second step (an untrained
/// model's loss is the highest a healthy run sees); the gradient norm only after a warm-up, as
/// the first steps' gradients move a lot; the weights' norm from the first update, since no
/// healthy step multiplies it by `factor`.
struct DivergenceMonitor {
    /// How far above its running level a figure may go.
    static let factor = 100.0
    /// How far above the first step's a loss per token may go: an untrained model's loss is
    /// about the logarithm of the vocabulary size, and training only lowers it, so a run that
    /// climbs slowly (and drags its running level along) is caught too.
    static let ceilingFactor = 10.0
    /// Steps seen before the gradient norm is compared with its level.
    static let warmUp = 10
    /// Weight of the newest value in the moving averages.
    static let smoothing = 0.1

    struct Divergence: Error, Equatable {
        var quantity: String
        var value: Double
        /// The running level it was compared with (nil for a NaN or infinity).
        var level: Double?
        var factor = DivergenceMonitor.factor
        /// What `level` is, in words.
        var levelName = "its recent level"
    }

    private var steps = 0
    private var loss: Double?
    private var gradientNorm: Double?
    private var weightNorm: Double?
    private var firstLossPerToken: Double?

    /// Starts from the weights' norm before the first step (so the first update is judged too).
    init(initialWeightNorm: Double? = nil) {
        weightNorm = initialWeightNorm.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
    }

    /// Judges one step's loss (per sentence, and per token when known) and gradient norm
    /// (before clipping); throws the first figure out of bounds.
    mutating func check(loss: Double, lossPerToken: Double? = nil, gradientNorm: Double) throws(Divergence) {
        steps += 1
        if !loss.isFinite { throw Divergence(quantity: "loss", value: loss, level: nil) }
        if !gradientNorm.isFinite { throw Divergence(quantity: "gradient norm", value: gradientNorm, level: nil) }
        if let lossPerToken {
            if let first = firstLossPerToken {
                if lossPerToken > Self.ceilingFactor * max(first, 1e-3) {
                    throw Divergence(
                        quantity: "loss per token", value: lossPerToken, level: first, factor: Self.ceilingFactor,
                        levelName: "its level at the first step")
                }
            } else {
                firstLossPerToken = lossPerToken
            }
        }
        try Self.compare("loss", loss, &self.loss, judge: true)
        try Self.compare("gradient norm", gradientNorm, &self.gradientNorm, judge: steps > Self.warmUp)
    }

    /// Judges the weights' norm after a step's update.
    mutating func check(weightNorm: Double) throws(Divergence) {
        if !weightNorm.isFinite { throw Divergence(quantity: "weight norm", value: weightNorm, level: nil) }
        try Self.compare("weight norm", weightNorm, &self.weightNorm, judge: true)
    }

    private static func compare(_ quantity: String, _ value: Double, _ level: inout Double?, judge: Bool)
        throws(Divergence)
    {
        guard let current = level else { level = abs(value); return }
        // A level near zero (a loss that reached 0) must not turn noise into a divergence.
        if judge && abs(value) > factor * max(current, 1e-3) {
            throw Divergence(quantity: quantity, value: value, level: current)
        }
        level = current + smoothing * (abs(value) - current)
    }

    /// The L2 norm of the trainable weights.
    static func weightNorm(_ parameters: [NamedParameter]) -> Double {
        var total = 0.0
        for named in parameters where named.parameter.isTrainable {
            let tensor = named.parameter.value
            let values = UnsafeBufferPointer(start: tensor.data, count: tensor.count)
            let raw = UnsafeRawPointer(tensor.data)
            var sums = SIMD8<Float>()
            var index = 0
            while index + 8 <= values.count {
                let chunk = raw.loadUnaligned(fromByteOffset: 4 * index, as: SIMD8<Float>.self)
                sums += chunk * chunk
                index += 8
                if index % 65_536 == 0 { total += Double(sums.sum()); sums = SIMD8<Float>() }
            }
            total += Double(sums.sum())
            while index < values.count { total += Double(values[index]) * Double(values[index]); index += 1 }
        }
        return total.squareRoot()
    }
}
