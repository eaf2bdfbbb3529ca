import Models

/// One round of aggressive inference-network training (He et al. 2019): the encoder alone is
/// updated on the stream's batches until it has caught up with the current decoder, then the
/// step's decoder update runs on the round's first batch.
///
/// The round ends after `maxEncoderUpdates` updates, or earlier at a check (every `checkEvery`
/// updates) where the encoder's mean loss per target over the last `checkEvery` updates did not
/// fall below the previous check's. The decisions use only the step metrics, which every process
/// of a distributed run shares, so all processes end a round at the same update.
struct AggressiveInferenceRound {
    let settings: ResolvedPipeline.AggressiveInference
    /// The batch the decoder update of this round's step trains on.
    let firstBatch: TokenBatch
    /// Encoder updates made in this round.
    private(set) var updates = 0
    private var previousLossPerTarget = Double.infinity
    private var lossSum = 0.0
    private var targets = 0

    init(firstBatch: TokenBatch, settings: ResolvedPipeline.AggressiveInference) {
        self.firstBatch = firstBatch
        self.settings = settings
    }

    /// Counts an encoder update with its step metrics; true when the round is over and the
    /// decoder's turn has come.
    mutating func recordEncoderUpdate(_ metrics: StepMetrics) -> Bool {
        updates += 1
        lossSum += metrics.loss * Double(metrics.sentences)
        targets += metrics.tokens
        if updates % settings.checkEvery == 0 {
            let lossPerTarget = lossSum / Double(max(1, targets))
            if lossPerTarget > previousLossPerTarget { return true }
            previousLossPerTarget = lossPerTarget
            lossSum = 0
            targets = 0
        }
        return updates >= settings.maxEncoderUpdates
    }
}
