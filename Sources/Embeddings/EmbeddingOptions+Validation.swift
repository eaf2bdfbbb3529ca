extension EmbeddingOptions {
    /// The setting a validation failure is about, so that a caller can name it in its own terms
    /// (a flag, a pipeline key). The raw value is the property's name.
    public enum Setting: String, Sendable, Hashable, CaseIterable {
        case maxLineBytes, dimension, maxDimension, maxAbsoluteValue, maxMatrixBytes
    }

    /// Checks the options against their bounds before anything is read. A problem is thrown as
    /// ``EmbeddingError/invalidOption(_:name:reason:)``, every setting named by `name` (by
    /// default the property's name), so that the command line can speak of its flags and a
    /// pipeline file of its keys.
    public func validate(naming name: (Setting) -> String = \.rawValue) throws(EmbeddingError) {
        func invalid(_ setting: Setting, _ reason: String) -> EmbeddingError {
            .invalidOption(setting, name: name(setting), reason: reason)
        }
        if maxLineBytes < 1024 {
            throw invalid(.maxLineBytes, "must be at least 1024 bytes; \(maxLineBytes) was given")
        }
        guard (1...Self.dimensionHardCap).contains(maxDimension) else {
            throw invalid(.maxDimension, "must be between 1 and \(Self.dimensionHardCap); \(maxDimension) was given")
        }
        if let dimension, !(1...maxDimension).contains(dimension) {
            throw invalid(
                .dimension,
                "must be between 1 and \(name(.maxDimension)) (\(maxDimension)); \(dimension) was given")
        }
        guard maxAbsoluteValue.isFinite && maxAbsoluteValue > 0 else {
            throw invalid(.maxAbsoluteValue, "must be a positive finite number; \(maxAbsoluteValue) was given")
        }
        if let maxMatrixBytes, maxMatrixBytes < 1 {
            throw invalid(.maxMatrixBytes, "must be positive; \(maxMatrixBytes) was given")
        }
    }
}
