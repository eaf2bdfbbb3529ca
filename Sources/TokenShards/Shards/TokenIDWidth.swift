/// How a shard stores each id: in 16 bits when every id of the vocabulary fits (up to 65,536
/// entries, nearly every word or character vocabulary), else in 32. Half the bytes on disk, in
/// the page cache and through `train --stream` for the same sequences.
public enum TokenIDWidth: String, Sendable, Codable, CaseIterable {
    /// NumPy `<u2`: ids 0…65,535.
    case uint16 = "<u2"
    /// NumPy `<i4`: ids 0…2^31 − 1. Provisional numbers and large vocabularies.
    case int32 = "<i4"

    /// The narrowest width that holds every id of a vocabulary of `size` entries.
    public static func forVocabulary(size: Int) -> TokenIDWidth {
        size <= Int(UInt16.max) + 1 ? .uint16 : .int32
    }

    /// Bytes per id.
    public var bytes: Int { self == .uint16 ? 2 : 4 }

    /// The NumPy `descr` of the ids file.
    public var npyDescriptor: String { rawValue }
}
