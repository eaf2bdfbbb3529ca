/// A shard's ids file mapped read-only, in whichever width it was written (see
/// ``TokenIDWidth``): the `.npy` header says which.
public enum ShardIDArray: Sendable {
    case uint16(NpyArray<UInt16>)
    case int32(NpyArray<Int32>)

    /// Maps `path`, which must hold `<u2` or `<i4` values.
    public init(path: String) throws(NpyError) {
        do throws(NpyError) {
            self = .int32(try NpyArray<Int32>(path: path))
        } catch .wrongType(_, _, let found) where found == TokenIDWidth.uint16.npyDescriptor {
            self = .uint16(try NpyArray<UInt16>(path: path))
        } catch .wrongType(_, _, let found) {
            throw .wrongType(path: path, expected: "<u2 or <i4", found: found)
        }
    }

    public var width: TokenIDWidth {
        switch self {
        case .uint16: .uint16
        case .int32: .int32
        }
    }

    public var count: Int {
        switch self {
        case .uint16(let ids): ids.count
        case .int32(let ids): ids.count
        }
    }

    public var path: String {
        switch self {
        case .uint16(let ids): ids.path
        case .int32(let ids): ids.path
        }
    }

    /// See ``NpyArray/releasePages(before:)``.
    public func releasePages(before index: Int) {
        switch self {
        case .uint16(let ids): ids.releasePages(before: index)
        case .int32(let ids): ids.releasePages(before: index)
        }
    }
}
