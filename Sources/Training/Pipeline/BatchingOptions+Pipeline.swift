import Batching
import Models

extension BatchingOptions {
    /// The batching of a training run (`batching`), with the model family's defaults: what
    /// ``BatchingOptions/validate()`` accepts, within the run's ``ResolvedPipeline/Limits`` and
    /// the family's rules. `validationFraction` is `data.validation_fraction`; `seed` the
    /// training seed that shuffles unless `batching.seed` is given.
    init(
        _ section: BatchingSection, for kind: ModelKind, validationFraction: Double, seed: UInt64,
        checks: PipelineChecks
    ) throws(PipelineError) {
        self.init()
        // A character stream cut into windows has no sequence length to limit.
        let windowed = section.window != nil || kind == .vrnn
        batchSize = section.batchSize ?? (kind.readsCharacters ? 64 : 32)
        maxLength = windowed ? nil : section.maxLength ?? (kind.readsCharacters ? 100 : 50)
        overLength = section.overLength ?? overLength
        padding = section.padding ?? padding
        bucketBoundaries = section.bucketBoundaries
        bucketMode = section.bucketMode ?? bucketMode
        shuffleBuffer = section.shuffleBuffer ?? 10_000
        shuffleSeed = section.seed ?? seed
        dropRemainder = section.dropRemainder ?? false
        self.validationFraction = validationFraction
        // Character models read each record ended by <eos> (a line's end, or the boundary
        // between records in a stream).
        appendEnd = kind.readsCharacters
        if windowed {
            // The VRNN learns from long windows (300 characters by default, as Chung et al.'s setting).
            window = section.window ?? 300
            stride = section.stride ?? window
        } else {
            stride = section.stride
        }
        try validate(section, for: kind, checks: checks)
    }

    /// The run's rules, then the batching stages' own (``validate()``), each refusal naming its key.
    private func validate(
        _ section: BatchingSection, for kind: ModelKind,
        checks: PipelineChecks
    ) throws(PipelineError) {
        try checks.bound("batching.batch_size", batchSize, ResolvedPipeline.Limits.batchSize)
        if window != nil, section.maxLength != nil {
            throw checks.invalid(
                "batching.max_length",
                "does not apply to character windows (every window has "
                    + "batching.window characters); remove it")
        }
        if let maxLength { try checks.bound("batching.max_length", maxLength, ResolvedPipeline.Limits.maxLength) }
        // The model masks padding and re-pads every batch at the end, so pre-padding would
        // be accepted and change nothing: say so rather than ignore it.
        if padding == .pre {
            throw checks.invalid(
                "batching.padding",
                "cannot be pre for training: the model masks padding, so pre- and post-padded batches train "
                    + "identically; "
                    + "remove the key (pre-padding is for 'vae-pipeline batches' only)")
        }
        try checks.bound("batching.shuffle_buffer", shuffleBuffer, 0...ResolvedPipeline.Limits.shuffleBuffer)
        if let window {
            guard kind == .characterVAE || kind == .vrnn || kind == .languageModel else {
                throw checks.invalid(
                    "batching.window",
                    "applies to the character models (char_vae, vrnn, "
                        + "lstm_lm) only; the \(kind.displayName) reads one sequence per record")
            }
            try checks.bound("batching.window", window, ResolvedPipeline.Limits.maxLength)
            if let stride { try checks.bound("batching.stride", stride, 1...window) }
            // Refused when given at all, even as the default (`validate()` sees only values).
            if section.bucketBoundaries != nil || section.bucketMode != nil {
                throw checks.invalid(
                    "batching.bucket_boundaries",
                    "does not apply to character windows, which all have "
                        + "one length; remove bucket_boundaries and bucket_mode")
            }
        }
        do throws(BatchingError) {
            try validate()
        } catch {
            guard case let .invalidOption(setting, sentence) = error else {
                throw checks.invalid("batching", error.localizedDescription)
            }
            throw PipelineError.invalidSetting(file: checks.file, key: Self.pipelineKey(setting), sentence: sentence)
        }
    }

    /// The pipeline file's key for a batching setting.
    static func pipelineKey(_ setting: Setting) -> String {
        switch setting {
        case .batchSize: "batching.batch_size"
        case .maxLength: "batching.max_length"
        case .shuffleBuffer: "batching.shuffle_buffer"
        case .validationFraction: "data.validation_fraction"
        case .bucketBoundaries: "batching.bucket_boundaries"
        case .bucketMode: "batching.bucket_mode"
        case .window: "batching.window"
        case .stride: "batching.stride"
        }
    }
}
