import Support

/// Which sequences an epoch delivers.
public enum DataSplit: String, Codable, Sendable, CaseIterable {
    case train
    case validation
    case all

    /// Whether the sequence at `position` belongs to this split when a fraction
    /// `validationFraction` of the positions is held out.
    ///
    /// The decision is a hash of the position alone (splitmix64 → uniform in [0, 1)), so it is
    /// the same in every run, epoch and shuffle order, and the same for the shards and the live
    /// corpus; train and validation never overlap and together are `all`.
    @inline(__always)
    public func contains(position: Int64, validationFraction: Double) -> Bool {
        switch self {
        case .all: return true
        case .train: return !Self.isValidation(position, fraction: validationFraction)
        case .validation: return Self.isValidation(position, fraction: validationFraction)
        }
    }

    @inline(__always)
    static func isValidation(_ position: Int64, fraction: Double) -> Bool {
        guard fraction > 0 else { return false }
        // A fixed salt keeps the split independent of the shuffle seed.
        let hash = SplitMix64.mix(UInt64(bitPattern: position) ^ 0x5EED_5A17_0F_DA7A)
        return Double(hash >> 11) * 0x1p-53 < fraction
    }
}
