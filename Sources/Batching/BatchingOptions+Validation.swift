extension BatchingOptions {
    /// The setting a validation failure is about, so that a caller can name it in its own terms
    /// (a flag, a pipeline key).
    public enum Setting: Sendable, Hashable, CaseIterable {
        case batchSize, maxLength, shuffleBuffer, validationFraction, bucketBoundaries, bucketMode, window, stride
    }

    /// Checks the options before anything is read; every problem is a full sentence, thrown as
    /// ``BatchingError/invalidOption(_:_:)`` naming the setting.
    public func validate() throws(BatchingError) {
        func invalid(_ setting: Setting, _ message: String) -> BatchingError { .invalidOption(setting, message) }
        if batchSize < 1 { throw invalid(.batchSize, "The batch size is \(batchSize); it must be at least 1.") }
        if let maxLength {
            let policy = lengthPolicy
            if maxLength < policy.shortestMaxLength {
                let room =
                    switch policy.markers {
                    case .beginAndEnd: ", but it must leave room for <bos>, <eos> and one token (at least 3)."
                    case .end: ", but it must leave room for <eos> and one token (at least 2)."
                    case .none: "; it must be at least 1."
                    }
                throw invalid(.maxLength, "The maximum length is \(maxLength)\(room)")
            }
        }
        if shuffleBuffer < 0 {
            throw invalid(
                .shuffleBuffer,
                "The shuffle buffer is \(shuffleBuffer); "
                    + "it must be 0 (no shuffling) or more.")
        }
        if !(validationFraction >= 0 && validationFraction < 1) {
            throw invalid(
                .validationFraction,
                "The validation fraction is \(validationFraction); "
                    + "it must be at least 0 and below 1.")
        }
        if let boundaries = bucketBoundaries {
            if boundaries.isEmpty {
                throw invalid(
                    .bucketBoundaries,
                    "The bucket boundaries are empty; give at least one, "
                        + "or none at all (no bucketing).")
            }
            if boundaries[0] < 1 {
                throw invalid(
                    .bucketBoundaries,
                    "The first bucket boundary is \(boundaries[0]); "
                        + "boundaries must be positive lengths.")
            }
            for index in 1..<boundaries.count where boundaries[index] <= boundaries[index - 1] {
                throw invalid(
                    .bucketBoundaries,
                    "The bucket boundaries must increase strictly, "
                        + "but \(boundaries[index]) follows \(boundaries[index - 1]).")
            }
        } else if bucketMode == .edge {
            throw invalid(
                .bucketMode,
                "Bucket mode 'edge' pads to the bucket boundaries, "
                    + "but no bucket boundaries were given.")
        }
        switch (window, stride) {
        case (nil, nil): break
        case (.some, nil):
            throw invalid(
                .stride,
                "A character window was given without a stride; give a stride too "
                    + "(1 for every position, the window for non-overlapping chunks).")
        case (nil, .some):
            throw invalid(.stride, "A stride was given without a character window; the stride applies only to windows.")
        case let (.some(window), .some(stride)):
            if window < 1 { throw invalid(.window, "The character window is \(window); it must be at least 1.") }
            if stride < 1 { throw invalid(.stride, "The window stride is \(stride); it must be at least 1.") }
            if bucketBoundaries != nil || bucketMode != .longest {
                throw invalid(
                    .bucketBoundaries,
                    "Character windows all have the same length, "
                        + "so bucket boundaries and bucket modes do not apply to them.")
            }
        }
    }
}
